// Exceptions, interrupts, trap entry and xRET (privileged spec v1.12, sections 3.1.6-3.3).
import * as S from './state';
import * as B from './bits';
import {
  HS_MSTATUS, HS_MEDELEG, HS_MIDELEG, HS_MIE, HS_MIP, HS_MTVEC, HS_MEPC, HS_MCAUSE, HS_MTVAL,
  HS_STVEC, HS_SEPC, HS_SCAUSE, HS_STVAL, HS_PENDING, HS_MTIMECMP, HS_STIMECMP, HS_MENVCFG,
  HS_COUNT_EXCEPTIONS, HS_COUNT_INTERRUPTS, HS_COUNT_TRAP_BY_CAUSE, HS_COUNT_IRQ_BY_CAUSE,
  HS_LAST_TRAP_CAUSE, HS_LAST_TRAP_PC, HS_TRAP_REPEAT, HS_EXIT_DETAIL,
} from '../layout/hart-state';
import { MACHINE_CONFIG_BASE } from '../layout/wasm-memory';
import { CFG_FLAG_SBI, CFG_TRAP_LOOP_LIMIT } from '../layout/machine-config';
import { EXIT_TRAP_LOOP } from '../layout/exit-reasons';
import { time_now } from './env';
import { onPrivilegeChange } from './mmu';

/** A synchronous exception raised by the current instruction, taken after it aborts. */
export let trapPending: bool = false;
export let trapCause: u64 = 0;
export let trapTval: u64 = 0;

export function raise(cause: u64, tval: u64): void {
  if (trapPending) return; // the first fault of an instruction wins
  trapPending = true;
  trapCause = cause;
  trapTval = tval;
}

export function illegal(): void {
  raise(B.CAUSE_ILLEGAL, <u64>S.rawInst);
}

/** Take the pending exception at the current pc. */
export function takePendingException(): void {
  trapPending = false;
  const cause = trapCause;
  if (cause < 16) S.count(HS_COUNT_TRAP_BY_CAUSE + <i32>cause * 8);
  S.count(HS_COUNT_EXCEPTIONS);
  enterTrap(cause, trapTval);
}

/** Common trap entry: pick M or S by delegation, save state, jump to the vector. */
export function enterTrap(cause: u64, tval: u64): void {
  const isIrq = (cause & B.CAUSE_INTERRUPT) != 0;
  const code = cause & 63;
  const epc = S.pc;
  const from = S.priv;
  const deleg = S.csrLoad(isIrq ? HS_MIDELEG : HS_MEDELEG);
  let status = S.csrLoad(HS_MSTATUS);
  let target: u64;
  if (from <= S.PRIV_S && ((deleg >> code) & 1) != 0) {
    S.csrStore(HS_SCAUSE, cause);
    S.csrStore(HS_SEPC, epc);
    S.csrStore(HS_STVAL, tval);
    const old = status;
    status &= ~(B.MSTATUS_SPIE | B.MSTATUS_SPP | B.MSTATUS_SIE);
    if (old & B.MSTATUS_SIE) status |= B.MSTATUS_SPIE;
    if (from == S.PRIV_S) status |= B.MSTATUS_SPP;
    S.priv = S.PRIV_S;
    target = vectorTarget(S.csrLoad(HS_STVEC), code, isIrq);
  } else {
    S.csrStore(HS_MCAUSE, cause);
    S.csrStore(HS_MEPC, epc);
    S.csrStore(HS_MTVAL, tval);
    const old = status;
    status &= ~(B.MSTATUS_MPIE | B.MSTATUS_MPP | B.MSTATUS_MIE);
    if (old & B.MSTATUS_MIE) status |= B.MSTATUS_MPIE;
    status |= (<u64>from) << B.MSTATUS_MPP_SHIFT;
    S.priv = S.PRIV_M;
    target = vectorTarget(S.csrLoad(HS_MTVEC), code, isIrq);
  }
  S.csrStore(HS_MSTATUS, status);
  detectTrapLoop(cause, epc, target);
  S.pc = target;
  onPrivilegeChange();
  S.attention = true;
}

@inline function vectorTarget(tvec: u64, code: u64, isIrq: bool): u64 {
  const base = tvec & ~(<u64>3);
  return isIrq && (tvec & 1) != 0 ? base + 4 * code : base;
}

/** A trap raised at the very address the previous identical trap jumped to, many times in a row,
 * means the handler itself faults (e.g. mtvec unset): stop instead of spinning forever. */
function detectTrapLoop(cause: u64, epc: u64, target: u64): void {
  const hb = S.hb;
  const lastCause = load<u64>(hb + HS_LAST_TRAP_CAUSE);
  const lastTarget = load<u64>(hb + HS_LAST_TRAP_PC);
  let repeat = load<i32>(hb + HS_TRAP_REPEAT);
  repeat = lastCause == cause && lastTarget == epc && epc == target ? repeat + 1 : 0;
  store<i32>(hb + HS_TRAP_REPEAT, repeat);
  store<u64>(hb + HS_LAST_TRAP_CAUSE, cause);
  store<u64>(hb + HS_LAST_TRAP_PC, target);
  let limit = load<i32>(MACHINE_CONFIG_BASE + CFG_TRAP_LOOP_LIMIT);
  if (limit <= 0) limit = 64;
  if (repeat >= limit) {
    store<i32>(hb + HS_EXIT_DETAIL, <i32>cause);
    S.requestExit(EXIT_TRAP_LOOP);
  }
}

/** Current mip: software bits, bits other threads raised, and timer comparisons. */
export function currentMip(now: u64): u64 {
  let mip = S.csrLoad(HS_MIP) | <u64>atomic.load<u32>(S.hb + HS_PENDING);
  if (now >= atomic.load<u64>(S.hb + HS_MTIMECMP)) mip |= B.MIP_MTIP;
  if (stimecmpActive()) {
    mip &= ~B.MIP_STIP;
    if (now >= S.csrLoad(HS_STIMECMP)) mip |= B.MIP_STIP;
  }
  return mip;
}

/** Sstc: stimecmp drives STIP when menvcfg.STCE is set, or when the platform provides SBI
 * (its set_timer writes stimecmp directly since there is no M-mode firmware). */
@inline export function stimecmpActive(): bool {
  return (S.csrLoad(HS_MENVCFG) & B.MENVCFG_STCE) != 0 || (S.cfgFlags & CFG_FLAG_SBI) != 0;
}

/** Interrupt to take now, or -1 (priority MEI, MSI, MTI, SEI, SSI, STI; M-level first). */
export function pendingInterrupt(mip: u64): i32 {
  const pending = mip & S.csrLoad(HS_MIE);
  if (pending == 0) return -1;
  const status = S.csrLoad(HS_MSTATUS);
  const deleg = S.csrLoad(HS_MIDELEG);
  const mEnabled = S.priv < S.PRIV_M || (status & B.MSTATUS_MIE) != 0;
  const mPending = mEnabled ? pending & ~deleg : 0;
  if (mPending != 0) return highestPriority(mPending);
  const sEnabled = S.priv < S.PRIV_S || (S.priv == S.PRIV_S && (status & B.MSTATUS_SIE) != 0);
  const sPending = sEnabled ? pending & deleg : 0;
  if (sPending != 0) return highestPriority(sPending);
  return -1;
}

function highestPriority(bits: u64): i32 {
  if (bits & B.MIP_MEIP) return B.IRQ_MEI;
  if (bits & B.MIP_MSIP) return B.IRQ_MSI;
  if (bits & B.MIP_MTIP) return B.IRQ_MTI;
  if (bits & B.MIP_SEIP) return B.IRQ_SEI;
  if (bits & B.MIP_SSIP) return B.IRQ_SSI;
  if (bits & B.MIP_STIP) return B.IRQ_STI;
  return -1;
}

/** Poll point: take the highest-priority enabled interrupt, if any. Returns true if taken. */
export function checkInterrupts(): bool {
  const irq = pendingInterrupt(currentMip(<u64>time_now()));
  if (irq < 0) return false;
  S.count(HS_COUNT_INTERRUPTS);
  S.count(HS_COUNT_IRQ_BY_CAUSE + irq * 8);
  enterTrap(B.CAUSE_INTERRUPT | <u64>irq, 0);
  return true;
}

/** MRET (M-mode only; caller checks privilege). */
export function mret(): void {
  let status = S.csrLoad(HS_MSTATUS);
  const mpp = <i32>((status >> B.MSTATUS_MPP_SHIFT) & 3);
  status &= ~(B.MSTATUS_MIE | B.MSTATUS_MPP);
  if (status & B.MSTATUS_MPIE) status |= B.MSTATUS_MIE;
  status |= B.MSTATUS_MPIE;
  if (mpp != S.PRIV_M) status &= ~B.MSTATUS_MPRV;
  S.csrStore(HS_MSTATUS, status);
  S.priv = mpp;
  S.npc = S.csrLoad(HS_MEPC);
  onPrivilegeChange();
  S.attention = true;
}

/** SRET (S or M; caller checks privilege and TSR). */
export function sret(): void {
  let status = S.csrLoad(HS_MSTATUS);
  const spp = (status & B.MSTATUS_SPP) != 0 ? S.PRIV_S : S.PRIV_U;
  status &= ~(B.MSTATUS_SIE | B.MSTATUS_SPP | B.MSTATUS_MPRV);
  if (status & B.MSTATUS_SPIE) status |= B.MSTATUS_SIE;
  status |= B.MSTATUS_SPIE;
  S.csrStore(HS_MSTATUS, status);
  S.priv = spp;
  S.npc = S.csrLoad(HS_SEPC);
  onPrivilegeChange();
  S.attention = true;
}

/** Drop a raised-but-not-taken exception (used by debug queries). */
export function clearTrap(): void {
  trapPending = false;
}
