// SYSTEM opcode: ECALL/EBREAK, xRET, WFI, SFENCE.VMA and the Zicsr instructions.
import * as S from './state';
import * as B from './bits';
import { raise, illegal, trapPending, mret, sret, currentMip, stimecmpActive } from './trap';
import { csrRead, csrWrite } from './csr';
import { flushTlb, flushTlbPage } from './mmu';
import { sbi_call, wfi, time_now } from './env';
import {
  HS_MSTATUS, HS_PC, HS_COUNT_SBI, HS_COUNT_WFI, HS_MIE, HS_MTIMECMP, HS_STIMECMP, HS_IN_WFI,
} from '../layout/hart-state';
import { CFG_FLAG_SBI } from '../layout/machine-config';
import { EXIT_SBI_STOP } from '../layout/exit-reasons';

export function execSystem(i: u32): void {
  const f3 = (i >> 12) & 7;
  if (f3 == 0) {
    privileged(i);
    return;
  }
  if (f3 == 4) {
    illegal();
    return;
  }
  const rd = (i >> 7) & 31;
  const rs1 = (i >> 15) & 31;
  const num = i >> 20;
  const operand: u64 = f3 >= 5 ? <u64>rs1 : S.xget(rs1);
  const old = csrRead(num);
  if (trapPending) return;
  const kind = f3 & 3; // 1 = write, 2 = set, 3 = clear
  if (kind == 1) csrWrite(num, operand);
  else if (rs1 != 0) csrWrite(num, kind == 2 ? old | operand : old & ~operand);
  if (!trapPending) S.xset(rd, old);
}

function privileged(i: u32): void {
  const status = S.csrLoad(HS_MSTATUS);
  if ((i & 0xfe007fff) == 0x12000073) {
    // SFENCE.VMA: ASIDLEN is 0, so rs2 (the ASID) never narrows it; rs1 (an address) does.
    const rs1 = (i >> 15) & 31;
    if (S.priv == S.PRIV_U || (S.priv == S.PRIV_S && (status & B.MSTATUS_TVM) != 0)) illegal();
    else if (rs1 == 0) flushTlb();
    else flushTlbPage(S.xget(rs1));
    return;
  }
  switch (i) {
    case 0x00000073:
      ecall();
      return;
    case 0x00100073:
      raise(B.CAUSE_BREAKPOINT, S.pc);
      return;
    case 0x30200073:
      if (S.priv != S.PRIV_M) illegal();
      else mret();
      return;
    case 0x10200073:
      if (S.priv == S.PRIV_U || (S.priv == S.PRIV_S && (status & B.MSTATUS_TSR) != 0)) illegal();
      else sret();
      return;
    case 0x10500073:
      if (S.priv == S.PRIV_U || (S.priv == S.PRIV_S && (status & B.MSTATUS_TW) != 0)) illegal();
      else waitForInterrupt();
      return;
  }
  illegal();
}

function ecall(): void {
  if (S.priv == S.PRIV_S && (S.cfgFlags & CFG_FLAG_SBI) != 0) {
    S.count(HS_COUNT_SBI);
    store<u64>(S.hb + HS_PC, S.pc);
    if (sbi_call(S.hartId) != 0) S.requestExit(EXIT_SBI_STOP);
    S.attention = true; // SBI may have changed timers or pending bits
    return;
  }
  raise(S.priv == S.PRIV_M ? B.CAUSE_ECALL_M : S.priv == S.PRIV_S ? B.CAUSE_ECALL_S : B.CAUSE_ECALL_U, 0);
}

/** WFI: if no enabled interrupt is pending, let the platform block until one may be. */
function waitForInterrupt(): void {
  S.count(HS_COUNT_WFI);
  const now = <u64>time_now();
  const mie = S.csrLoad(HS_MIE);
  if ((currentMip(now) & mie) != 0) return;
  let deadline: u64 = <u64>-1;
  if ((mie & B.MIP_MTIP) != 0) deadline = atomic.load<u64>(S.hb + HS_MTIMECMP);
  if ((mie & B.MIP_STIP) != 0 && stimecmpActive()) {
    const st = S.csrLoad(HS_STIMECMP);
    if (st < deadline) deadline = st;
  }
  // -1 = no timer deadline: only another thread (IPI, PLIC, stop request) can wake the hart.
  const timeout: i64 = deadline == <u64>-1 ? -1 : deadline > now ? <i64>(deadline - now) : 0;
  store<u64>(S.hb + HS_PC, S.npc);
  store<i32>(S.hb + HS_IN_WFI, 1);
  wfi(S.hartId, timeout);
  store<i32>(S.hb + HS_IN_WFI, 0);
  S.attention = true;
}
