// CLINT/ACLINT registers, handled inside the CPU against shared hart state (no exit).
import * as S from './state';
import * as B from './bits';
import { HS_PENDING, HS_MTIMECMP } from '../layout/hart-state';
import { MACHINE_CONFIG_BASE, MAX_HARTS } from '../layout/wasm-memory';
import { CFG_NUM_HARTS } from '../layout/machine-config';
import { CLINT_MTIMECMP as MTIMECMP_OFFSET, CLINT_MTIME as MTIME_OFFSET } from '../layout/memory-map';

const CLINT_MTIMECMP: u64 = <u64>MTIMECMP_OFFSET;
const CLINT_MTIME: u64 = <u64>MTIME_OFFSET;
import { time_now } from './env';

function numHarts(): u64 {
  const n = load<i32>(MACHINE_CONFIG_BASE + CFG_NUM_HARTS);
  return <u64>(n < 1 || n > MAX_HARTS ? 1 : n);
}

/** Read `size` bytes at CLINT offset `off` (misaligned accesses were rejected by the caller). */
export function clintRead(off: u64, size: u64): u64 {
  let word: u64 = 0;
  let base: u64 = 0;
  if (off < 4 * numHarts()) {
    const pending = atomic.load<u32>(S.hartBase(<i32>(off >> 2)) + HS_PENDING);
    return (<u64>pending & B.MIP_MSIP) != 0 ? 1 : 0;
  } else if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * numHarts()) {
    base = CLINT_MTIMECMP + ((off - CLINT_MTIMECMP) & ~7);
    word = atomic.load<u64>(S.hartBase(<i32>((base - CLINT_MTIMECMP) >> 3)) + HS_MTIMECMP);
  } else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
    base = CLINT_MTIME;
    word = <u64>time_now();
  } else {
    return 0;
  }
  const shifted = word >> ((off - base) * 8);
  return size >= 8 ? shifted : shifted & ((<u64>1 << (size * 8)) - 1);
}

/** Write to the CLINT. msip and mtimecmp of any hart; mtime is read-only here. */
export function clintWrite(off: u64, size: u64, value: u64): void {
  if (off < 4 * numHarts()) {
    const pendingAddr = S.hartBase(<i32>(off >> 2)) + HS_PENDING;
    if (value & 1) atomic.or<u32>(pendingAddr, <u32>B.MIP_MSIP);
    else atomic.and<u32>(pendingAddr, ~(<u32>B.MIP_MSIP));
    atomic.notify(pendingAddr);
  } else if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * numHarts()) {
    const target = S.hartBase(<i32>((off - CLINT_MTIMECMP) >> 3));
    const addr = target + HS_MTIMECMP;
    if (size >= 8) {
      atomic.store<u64>(addr, value);
    } else {
      // 32-bit halves: replace the addressed half, keep the other one.
      const shift = (off & 7) * 8;
      const mask = ((<u64>1 << (size * 8)) - 1) << shift;
      const old = atomic.load<u64>(addr);
      atomic.store<u64>(addr, (old & ~mask) | ((value << shift) & mask));
    }
    atomic.notify(target + HS_PENDING); // a hart in wfi recomputes its deadline
  }
  S.attention = true;
}
