// Control and status registers (Zicsr, Zicntr, Sstc, privileged spec v1.12). Unknown CSRs raise
// illegal-instruction. PMP registers are storage only: protection is not enforced.
import * as S from './state';
import * as B from './bits';
import * as H from '../layout/hart-state';
import { illegal, currentMip, stimecmpActive, trapPending } from './trap';
import { onPrivilegeChange, flushTlb } from './mmu';
import { time_now } from './env';

const FS_OFF: u64 = 0;

/** Whether the F/D state may be touched (mstatus.FS != Off). */
@inline export function fpEnabled(): bool {
  return (S.csrLoad(H.HS_MSTATUS) & B.MSTATUS_FS) != FS_OFF;
}

/** Mark the F/D state dirty after an FP register or fcsr write. */
@inline export function fpDirty(): void {
  S.csrStore(H.HS_MSTATUS, S.csrLoad(H.HS_MSTATUS) | B.MSTATUS_FS);
}

/** Counter CSR gating by mcounteren (S, U) and scounteren (U). */
function counterAllowed(bit: u32): bool {
  if (S.priv == S.PRIV_M) return true;
  if (((S.csrLoad(H.HS_MCOUNTEREN) >> bit) & 1) == 0) return false;
  if (S.priv == S.PRIV_U && ((S.csrLoad(H.HS_SCOUNTEREN) >> bit) & 1) == 0) return false;
  return true;
}

function tvmBlocked(): bool {
  return S.priv == S.PRIV_S && (S.csrLoad(H.HS_MSTATUS) & B.MSTATUS_TVM) != 0;
}

function stimecmpBlocked(): bool {
  if (S.priv == S.PRIV_M) return false;
  return (
    (S.csrLoad(H.HS_MCOUNTEREN) & 2) == 0 || (S.csrLoad(H.HS_MENVCFG) & B.MENVCFG_STCE) == 0
  );
}

function mstatusRead(): u64 {
  const v = S.csrLoad(H.HS_MSTATUS) | B.MSTATUS_XL;
  return (v & B.MSTATUS_FS) == B.MSTATUS_FS ? v | B.MSTATUS_SD : v;
}

/** Read a CSR, raising illegal-instruction (and returning 0) if absent or not accessible. */
export function csrRead(num: u32): u64 {
  if (<i32>((num >> 8) & 3) > S.priv) {
    illegal();
    return 0;
  }
  switch (num) {
    case 0x001:
    case 0x002:
    case 0x003: {
      if (!fpEnabled()) break;
      const fcsr = S.csrLoad(H.HS_FCSR);
      return num == 1 ? fcsr & 31 : num == 2 ? (fcsr >> 5) & 7 : fcsr & 0xff;
    }
    case 0xc00:
      if (!counterAllowed(0)) break;
      return S.instret + S.csrLoad(H.HS_MCYCLE_OFFSET);
    case 0xc01:
      if (!counterAllowed(1)) break;
      return <u64>time_now();
    case 0xc02:
      if (!counterAllowed(2)) break;
      return S.instret;
    case 0x100:
      return mstatusRead() & B.SSTATUS_VISIBLE;
    case 0x104:
      return S.csrLoad(H.HS_MIE) & S.csrLoad(H.HS_MIDELEG);
    case 0x105:
      return S.csrLoad(H.HS_STVEC);
    case 0x106:
      return S.csrLoad(H.HS_SCOUNTEREN);
    case 0x10a:
      return S.csrLoad(H.HS_SENVCFG);
    case 0x140:
      return S.csrLoad(H.HS_SSCRATCH);
    case 0x141:
      return S.csrLoad(H.HS_SEPC);
    case 0x142:
      return S.csrLoad(H.HS_SCAUSE);
    case 0x143:
      return S.csrLoad(H.HS_STVAL);
    case 0x144:
      return currentMip(<u64>time_now()) & S.csrLoad(H.HS_MIDELEG);
    case 0x14d:
      if (stimecmpBlocked()) break;
      return S.csrLoad(H.HS_STIMECMP);
    case 0x180:
      if (tvmBlocked()) break;
      return S.csrLoad(H.HS_SATP);
    case 0xf11:
    case 0xf12:
    case 0xf13:
    case 0xf15:
      return 0;
    case 0xf14:
      return <u64>S.hartId;
    case 0x300:
      return mstatusRead();
    case 0x301:
      return B.MISA_VALUE;
    case 0x302:
      return S.csrLoad(H.HS_MEDELEG);
    case 0x303:
      return S.csrLoad(H.HS_MIDELEG);
    case 0x304:
      return S.csrLoad(H.HS_MIE);
    case 0x305:
      return S.csrLoad(H.HS_MTVEC);
    case 0x306:
      return S.csrLoad(H.HS_MCOUNTEREN);
    case 0x30a:
      return S.csrLoad(H.HS_MENVCFG);
    case 0x320:
      return S.csrLoad(H.HS_MCOUNTINHIBIT);
    case 0x340:
      return S.csrLoad(H.HS_MSCRATCH);
    case 0x341:
      return S.csrLoad(H.HS_MEPC);
    case 0x342:
      return S.csrLoad(H.HS_MCAUSE);
    case 0x343:
      return S.csrLoad(H.HS_MTVAL);
    case 0x344:
      return currentMip(<u64>time_now());
    case 0x3a0:
      return S.csrLoad(H.HS_PMPCFG0);
    case 0x3a2:
      return S.csrLoad(H.HS_PMPCFG2);
    case 0xb00:
      return S.instret + S.csrLoad(H.HS_MCYCLE_OFFSET);
    case 0xb02:
      return S.instret;
    default:
      if (num >= 0xc03 && num <= 0xc1f) {
        if (!counterAllowed(num - 0xc00)) break;
        return 0;
      }
      if ((num >= 0xb03 && num <= 0xb1f) || (num >= 0x323 && num <= 0x33f)) return 0;
      if (num >= 0x3a4 && num <= 0x3ae && (num & 1) == 0) return 0; // pmpcfg4..14: zero
      if (num >= 0x3b0 && num <= 0x3bf) return S.csrLoad(H.HS_PMPADDR + <i32>(num - 0x3b0) * 8);
      if (num >= 0x3c0 && num <= 0x3ef) return 0; // pmpaddr16..63: zero
      break;
  }
  illegal();
  return 0;
}

/** Write a CSR after csrRead succeeded for it. Raises illegal for read-only CSRs. */
export function csrWrite(num: u32, v: u64): void {
  if ((num >> 10) == 3) {
    illegal();
    return;
  }
  if (trapPending) return;
  switch (num) {
    case 0x001:
      S.csrStore(H.HS_FCSR, (S.csrLoad(H.HS_FCSR) & ~31) | (v & 31));
      fpDirty();
      return;
    case 0x002:
      S.csrStore(H.HS_FCSR, (S.csrLoad(H.HS_FCSR) & 31) | ((v & 7) << 5));
      fpDirty();
      return;
    case 0x003:
      S.csrStore(H.HS_FCSR, v & 0xff);
      fpDirty();
      return;
    case 0x100:
      writeMstatus((S.csrLoad(H.HS_MSTATUS) & ~B.SSTATUS_WRITABLE) | (v & B.SSTATUS_WRITABLE));
      return;
    case 0x104: {
      const d = S.csrLoad(H.HS_MIDELEG);
      S.csrStore(H.HS_MIE, (S.csrLoad(H.HS_MIE) & ~d) | (v & d & B.MIE_WRITABLE));
      break;
    }
    case 0x105:
      S.csrStore(H.HS_STVEC, v & ~(<u64>2));
      return;
    case 0x106:
      S.csrStore(H.HS_SCOUNTEREN, v & 0xffffffff);
      return;
    case 0x10a:
      S.csrStore(H.HS_SENVCFG, v & B.MENVCFG_FIOM);
      return;
    case 0x140:
      S.csrStore(H.HS_SSCRATCH, v);
      return;
    case 0x141:
      S.csrStore(H.HS_SEPC, v & ~(<u64>1));
      return;
    case 0x142:
      S.csrStore(H.HS_SCAUSE, v);
      return;
    case 0x143:
      S.csrStore(H.HS_STVAL, v);
      return;
    case 0x144: {
      const mask = S.csrLoad(H.HS_MIDELEG) & B.MIP_SSIP;
      S.csrStore(H.HS_MIP, (S.csrLoad(H.HS_MIP) & ~mask) | (v & mask));
      clearRemoteSsip(v, mask);
      break;
    }
    case 0x14d:
      S.csrStore(H.HS_STIMECMP, v);
      break;
    case 0x180: {
      const mode = v >> 60;
      if (mode != 0 && mode != 8 && mode != 9) return; // unsupported mode: write ignored
      S.csrStore(H.HS_SATP, v & ~((<u64>0xffff) << 44)); // ASIDLEN = 0
      flushTlb();
      return;
    }
    case 0x300:
      writeMstatus((S.csrLoad(H.HS_MSTATUS) & ~B.MSTATUS_WRITABLE) | (v & B.MSTATUS_WRITABLE));
      return;
    case 0x301:
      return; // misa is read-only in this implementation (WARL)
    case 0x302:
      S.csrStore(H.HS_MEDELEG, v & B.MEDELEG_WRITABLE);
      return;
    case 0x303:
      S.csrStore(H.HS_MIDELEG, v & B.MIDELEG_WRITABLE);
      break;
    case 0x304:
      S.csrStore(H.HS_MIE, v & B.MIE_WRITABLE);
      break;
    case 0x305:
      S.csrStore(H.HS_MTVEC, v & ~(<u64>2));
      return;
    case 0x306:
      S.csrStore(H.HS_MCOUNTEREN, v & 0xffffffff);
      return;
    case 0x30a:
      S.csrStore(H.HS_MENVCFG, v & (B.MENVCFG_STCE | B.MENVCFG_FIOM));
      break;
    case 0x320:
      S.csrStore(H.HS_MCOUNTINHIBIT, v & 5);
      return;
    case 0x340:
      S.csrStore(H.HS_MSCRATCH, v);
      return;
    case 0x341:
      S.csrStore(H.HS_MEPC, v & ~(<u64>1));
      return;
    case 0x342:
      S.csrStore(H.HS_MCAUSE, v);
      return;
    case 0x343:
      S.csrStore(H.HS_MTVAL, v);
      return;
    case 0x344: {
      let mask = B.MIP_SSIP | B.MIP_SEIP;
      if (!stimecmpActive()) mask |= B.MIP_STIP;
      S.csrStore(H.HS_MIP, (S.csrLoad(H.HS_MIP) & ~mask) | (v & mask));
      clearRemoteSsip(v, mask);
      break;
    }
    case 0x3a0:
      S.csrStore(H.HS_PMPCFG0, v);
      return;
    case 0x3a2:
      S.csrStore(H.HS_PMPCFG2, v);
      return;
    case 0xb00:
      S.csrStore(H.HS_MCYCLE_OFFSET, v - S.instret - 1);
      return;
    case 0xb02:
      S.instret = v - 1; // the writing instruction does not count (it increments after us)
      return;
    default:
      if (num >= 0x3b0 && num <= 0x3bf) {
        S.csrStore(H.HS_PMPADDR + <i32>(num - 0x3b0) * 8, v & ((<u64>1 << 54) - 1));
      }
      return; // other existing CSRs (hpm counters/events, upper pmp) are read-only zero
  }
  S.attention = true; // interrupt-relevant state changed: poll before the next instruction
}

/** SSIP raised by another thread (SBI IPI) lives in HS_PENDING: clearing sip.SSIP clears it. */
function clearRemoteSsip(v: u64, mask: u64): void {
  if ((mask & B.MIP_SSIP) != 0 && (v & B.MIP_SSIP) == 0) {
    atomic.and<u32>(S.hb + H.HS_PENDING, ~(<u32>B.MIP_SSIP));
  }
}

function writeMstatus(v: u64): void {
  const old = S.csrLoad(H.HS_MSTATUS);
  if (((v >> B.MSTATUS_MPP_SHIFT) & 3) == 2) {
    v = (v & ~B.MSTATUS_MPP) | (old & B.MSTATUS_MPP); // MPP is WARL: 2 is reserved
  }
  S.csrStore(H.HS_MSTATUS, v & ~B.MSTATUS_SD);
  onPrivilegeChange();
  S.attention = true;
}
