// A extension: LR/SC and AMOs on guest RAM with WASM atomics, visible to harts in other workers.
//
// Reservations: LR records the 8-byte granule (as its wasm address) and the value it loaded. SC
// succeeds only if the reservation is still held and a compare-and-swap against that value
// succeeds, so any intervening store of a different value by another hart makes it fail. A
// successful SC or AMO also clears other harts' reservations on the same granule.
import * as S from './state';
import * as B from './bits';
import * as M from './mmu';
import { raise, illegal, trapPending } from './trap';
import { loadAddr, noteRamStore, storeAddr, storeTlbFill } from './memory';
import { sext32 } from './muldiv';
import { HS_RESERVATION_ADDR, HS_RESERVATION_VALUE } from '../layout/hart-state';
import { MACHINE_CONFIG_BASE, MAX_HARTS } from '../layout/wasm-memory';
import { CFG_NUM_HARTS } from '../layout/machine-config';

const NO_RESERVATION: u64 = <u64>-1;

/** Wasm address for an atomic access at va (0 after raising a fault). */
function atomicAddr(va: u64, size: u64, isLoad: bool): usize {
  if ((va & (size - 1)) != 0) {
    raise(isLoad ? B.CAUSE_LOAD_MISALIGNED : B.CAUSE_STORE_MISALIGNED, va);
    return 0;
  }
  const fast = isLoad ? loadAddr(va, size) : storeAddr(va, size);
  if (fast) return fast;
  const access = isLoad ? B.ACCESS_LOAD : B.ACCESS_STORE;
  const pa = M.translate(va, access);
  if (trapPending) return 0;
  if (!M.inRam(pa, size)) {
    M.accessFault(access, va);
    return 0;
  }
  if (isLoad) M.tlbFill(S.tlbLoad, va, pa, M.dataKey);
  else storeTlbFill(va, pa); // the AMO's own noteRamStore still invalidates code it hits
  return M.ramWasm(pa);
}

function breakOtherReservations(a: usize): void {
  let n = load<i32>(MACHINE_CONFIG_BASE + CFG_NUM_HARTS);
  if (n < 1 || n > MAX_HARTS) n = 1;
  const granule = <u64>(a & ~7);
  for (let h = 0; h < n; h++) {
    if (h == S.hartId) continue;
    atomic.cmpxchg<u64>(S.hartBase(h) + HS_RESERVATION_ADDR, granule, NO_RESERVATION);
  }
}

export function execAmo(inst: u32): void {
  const funct3 = (inst >> 12) & 7;
  if (funct3 != 2 && funct3 != 3) {
    illegal();
    return;
  }
  const wide = funct3 == 3;
  const size: u64 = wide ? 8 : 4;
  const funct5 = inst >> 27;
  const rd = (inst >> 7) & 31;
  const rs2 = (inst >> 20) & 31;
  const va = S.xget((inst >> 15) & 31);
  const src = S.xget(rs2);
  if (funct5 == 2 && rs2 != 0) {
    illegal();
    return;
  }
  if (!isAmoFunct(funct5)) {
    illegal();
    return;
  }
  const a = atomicAddr(va, size, funct5 == 2);
  if (trapPending) return;
  const resAddr = S.hb + HS_RESERVATION_ADDR;
  let old: u64;
  if (funct5 == 2) {
    old = wide ? atomic.load<u64>(a) : <u64>atomic.load<u32>(a);
    atomic.store<u64>(resAddr, <u64>(a & ~7));
    store<u64>(S.hb + HS_RESERVATION_VALUE, old);
  } else if (funct5 == 3) {
    const held = atomic.xchg<u64>(resAddr, NO_RESERVATION) == <u64>(a & ~7);
    let ok = false;
    if (held) {
      const expected = load<u64>(S.hb + HS_RESERVATION_VALUE);
      ok = wide
        ? atomic.cmpxchg<u64>(a, expected, src) == expected
        : atomic.cmpxchg<u32>(a, <u32>expected, <u32>src) == <u32>expected;
    }
    if (ok) {
      noteRamStore(a);
      breakOtherReservations(a);
    }
    S.xset(rd, ok ? 0 : 1);
    return;
  } else {
    old = wide ? amo64(a, funct5, src) : <u64>amo32(a, funct5, <u32>src);
    noteRamStore(a);
    breakOtherReservations(a);
  }
  S.xset(rd, wide ? old : sext32(old));
}

function isAmoFunct(f: u32): bool {
  return f <= 4 || f == 8 || f == 12 || f == 16 || f == 20 || f == 24 || f == 28;
}

function amo64(a: usize, f: u32, v: u64): u64 {
  switch (f) {
    case 0:
      return atomic.add<u64>(a, v);
    case 1:
      return atomic.xchg<u64>(a, v);
    case 4:
      return atomic.xor<u64>(a, v);
    case 8:
      return atomic.or<u64>(a, v);
    case 12:
      return atomic.and<u64>(a, v);
  }
  for (;;) {
    const old = atomic.load<u64>(a);
    let take: bool;
    if (f == 16) take = <i64>v < <i64>old;
    else if (f == 20) take = <i64>v > <i64>old;
    else if (f == 24) take = v < old;
    else take = v > old;
    if (!take || atomic.cmpxchg<u64>(a, old, v) == old) return old;
  }
  return 0; // not reached
}

function amo32(a: usize, f: u32, v: u32): u32 {
  switch (f) {
    case 0:
      return atomic.add<u32>(a, v);
    case 1:
      return atomic.xchg<u32>(a, v);
    case 4:
      return atomic.xor<u32>(a, v);
    case 8:
      return atomic.or<u32>(a, v);
    case 12:
      return atomic.and<u32>(a, v);
  }
  for (;;) {
    const old = atomic.load<u32>(a);
    let take: bool;
    if (f == 16) take = <i32>v < <i32>old;
    else if (f == 20) take = <i32>v > <i32>old;
    else if (f == 24) take = v < old;
    else take = v > old;
    if (!take || atomic.cmpxchg<u32>(a, old, v) == old) return old;
  }
  return 0; // not reached
}
