// Guest loads, stores and instruction fetch: TLB fast path, page-walk slow path, CLINT and MMIO.
// Misaligned RAM accesses are performed in hardware (byte by byte when they cross a page);
// misaligned device accesses raise address-misaligned exceptions.
import * as S from './state';
import * as B from './bits';
import { raise } from './trap';
import * as M from './mmu';
import { clintRead, clintWrite } from './clint';
import { mmio_read, mmio_write } from './env';
import {
  HS_BUS_ERROR, HS_CONTROL, HS_COUNT_MMIO_READ, HS_COUNT_MMIO_WRITE, HS_PC,
} from '../layout/hart-state';
import { CLINT_BASE, CLINT_SIZE } from '../layout/memory-map';
import {
  GUEST_RAM_WASM_BASE, JIT_CODE_BITMAP, JIT_CODE_BITMAP_SIZE, JIT_CODE_GENERATION, JIT_PAGE_VERSIONS,
  JIT_PAGE_VERSION_MASK, JIT_STORE_RACES, MACHINE_CONFIG_BASE, MAX_HARTS,
} from '../layout/wasm-memory';
import { CFG_NUM_HARTS } from '../layout/machine-config';
import { EXIT_STOP_REQUESTED } from '../layout/exit-reasons';
import { trapPending } from './trap';

const PAGE_MASK: u64 = ~(<u64>0xfff);
/** JIT_CODE_BITMAP minus the bitmap offset of RAM's base (word index (a >> 17) for wasm address a). */
const BITMAP_BIAS: usize = <usize>JIT_CODE_BITMAP - ((<usize>GUEST_RAM_WASM_BASE >>> 17) << 2);

/** Wasm address for a data access on a TLB hit, or 0 on a miss. */
@inline function hit(tlb: usize, va: u64, size: u64): usize {
  const e = tlb + <usize>(((va >> 12) & 255) << 4);
  if (load<u64>(e) == ((va & PAGE_MASK) | M.dataKey) && (va & 0xfff) <= 4096 - size) {
    return <usize>(va + load<u64>(e, 8));
  }
  return 0;
}

@inline export function loadAddr(va: u64, size: u64): usize {
  return hit(S.tlbLoad, va, size);
}
@inline export function storeAddr(va: u64, size: u64): usize {
  return hit(S.tlbStore, va, size);
}

@inline export function lb(va: u64): u64 {
  const a = loadAddr(va, 1);
  return a ? <u64>load<i8>(a) : <u64>(<i8>loadSlow(va, 1));
}
@inline export function lbu(va: u64): u64 {
  const a = loadAddr(va, 1);
  return a ? <u64>load<u8>(a) : loadSlow(va, 1);
}
@inline export function lh(va: u64): u64 {
  const a = loadAddr(va, 2);
  return a ? <u64>load<i16>(a) : <u64>(<i16>loadSlow(va, 2));
}
@inline export function lhu(va: u64): u64 {
  const a = loadAddr(va, 2);
  return a ? <u64>load<u16>(a) : loadSlow(va, 2);
}
@inline export function lw(va: u64): u64 {
  const a = loadAddr(va, 4);
  return a ? <u64>load<i32>(a) : <u64>(<i32>loadSlow(va, 4));
}
@inline export function lwu(va: u64): u64 {
  const a = loadAddr(va, 4);
  return a ? <u64>load<u32>(a) : loadSlow(va, 4);
}
@inline export function ld(va: u64): u64 {
  const a = loadAddr(va, 8);
  return a ? load<u64>(a) : loadSlow(va, 8);
}
@inline export function sb(va: u64, v: u64): void {
  const a = storeAddr(va, 1);
  if (a) store<u8>(a, <u8>v);
  else storeSlow(va, 1, v);
}
@inline export function sh(va: u64, v: u64): void {
  const a = storeAddr(va, 2);
  if (a) store<u16>(a, <u16>v);
  else storeSlow(va, 2, v);
}
@inline export function sw(va: u64, v: u64): void {
  const a = storeAddr(va, 4);
  if (a) store<u32>(a, <u32>v);
  else storeSlow(va, 4, v);
}
@inline export function sd(va: u64, v: u64): void {
  const a = storeAddr(va, 8);
  if (a) store<u64>(a, v);
  else storeSlow(va, 8, v);
}

/**
 * Store hook for the JIT (cpu/jit/README.md, "Self-modifying code"): after a write to RAM at wasm
 * address `a` (an access never crosses a page here) on the store SLOW path, a set bit in the
 * shared code bitmap means translated code may exist on that page: clear it and bump the page's
 * version so every hart's translation cache drops the page at its next lookup.
 *
 * The fast path (a store TLB hit) needs no check: the store TLB never holds a page whose bit is
 * set. storeTlbFill() refuses such pages, and the JIT clears every hart's store TLB entries for a
 * page when it sets its bit (cpu/jit/store-tlb-shootdown.ts) — as QEMU's TLB_NOTDIRTY does.
 */
@inline export function noteRamStore(a: usize): void {
  // RAM starts 2 MiB-aligned, so the bitmap word of (a - RAM base) >> 12 is at a fixed offset
  // plus (a >> 17) * 4, and WASM shifts take the bit index (a >> 12) & 31 modulo 32 by themselves.
  const word = atomic.load<u32>(((a >>> 15) & ~(<usize>3)) + BITMAP_BIAS);
  if (((word >>> <u32>(a >>> 12)) & 1) != 0) codeWritten(<u32>((a - GUEST_RAM_WASM_BASE) >>> 12));
}

/**
 * Store TLB fill for RAM page `pa` at `va`, unless the page holds code. The delta is written
 * first and the tag with a sequentially consistent store, then the bitmap is read again: against
 * the JIT setting the bit and then scanning the TLBs (Dekker), either the scan sees this entry
 * and clears it, or this read sees the bit and the entry is dropped here.
 */
export function storeTlbFill(va: u64, pa: u64): void {
  const e = S.tlbStore + <usize>(((va >> 12) & 255) << 4);
  store<u64>(e, (pa & PAGE_MASK) - S.RAM_PHYS + S.RAM_WASM - (va & PAGE_MASK), 8);
  atomic.store<u64>(e, (va & PAGE_MASK) | M.dataKey);
  if (codePageMarked(M.ramWasm(pa))) atomic.store<u64>(e, 0); // tag 0 never matches: epoch >= 1
}

/** Whether the code bitmap marks the RAM page holding wasm address `a` (the JIT knows code
 * there: translated regions or counted entries). */
@inline export function codePageMarked(a: usize): bool {
  const word = atomic.load<u32>(((a >>> 15) & ~(<usize>3)) + BITMAP_BIAS);
  return ((word >>> <u32>(a >>> 12)) & 1) != 0;
}

/** Cold path of noteRamStore: what cpu/jit/code-bitmap.ts markWritten() does, in the same words. */
function codeWritten(page: u32): void {
  const bit: u32 = <u32>1 << (page & 31);
  const old = atomic.and<u32>(<usize>JIT_CODE_BITMAP + (<usize>(page >>> 5) << 2), ~bit);
  if ((old & bit) == 0) return; // another writer got here first
  atomic.add<u32>(<usize>JIT_PAGE_VERSIONS + (<usize>(page & JIT_PAGE_VERSION_MASK) << 2), 1);
  atomic.add<u32>(<usize>JIT_CODE_GENERATION, 1);
}

/**
 * FENCE.I: fetches after it must see every store the guest ordered before it — including a
 * store of another hart that may have gone through a store TLB entry the JIT was clearing
 * while it read that page's code (JIT_STORE_RACES, cpu/jit/store-tlb-shootdown.ts). Invalidate
 * those pages (the racing hart clears its word itself once past the store). Nothing to do
 * otherwise: fetch reads guest RAM directly, and every other store is tracked.
 */
export function fenceInstructions(): void {
  let n = load<i32>(MACHINE_CONFIG_BASE + CFG_NUM_HARTS);
  if (n < 1 || n > MAX_HARTS) n = MAX_HARTS;
  for (let h = 0; h < n; h++) {
    const raced = atomic.load<i32>(<usize>JIT_STORE_RACES + (<usize>h << 2));
    if (raced > 0) codeWritten(<u32>(raced - 1));
    else if (raced < 0) allCodeWritten();
  }
}

/** Every page marked in the code bitmap was written (several raced pages were lost). */
function allCodeWritten(): void {
  for (let w: u32 = 0; w < <u32>(JIT_CODE_BITMAP_SIZE >>> 2); w++) {
    let bits = atomic.load<u32>(<usize>JIT_CODE_BITMAP + (<usize>w << 2));
    while (bits != 0) {
      const bit = ctz(bits);
      codeWritten((w << 5) | bit);
      bits &= bits - 1;
    }
  }
}

/** Tells the JIT dispatcher that this CPU's store path invalidates translated pages itself. */
export function jit_tracks_code_stores(): i32 {
  return 1;
}

function readRam(a: usize, size: u64): u64 {
  if (size == 1) return <u64>load<u8>(a);
  if (size == 2) return <u64>load<u16>(a);
  if (size == 4) return <u64>load<u32>(a);
  return load<u64>(a);
}

function writeRam(a: usize, size: u64, v: u64): void {
  if (size == 1) store<u8>(a, <u8>v);
  else if (size == 2) store<u16>(a, <u16>v);
  else if (size == 4) store<u32>(a, <u32>v);
  else store<u64>(a, v);
}

/** Zero-extended load through translation; raises on faults (then returns 0). */
export function loadSlow(va: u64, size: u64): u64 {
  if ((va & 0xfff) + size > 4096) {
    let v: u64 = 0;
    for (let i: u64 = 0; i < size; i++) {
      const b = loadSlow(va + i, 1);
      if (trapPending) return 0;
      v |= b << (i * 8);
    }
    return v;
  }
  const pa = M.translate(va, B.ACCESS_LOAD);
  if (trapPending) return 0;
  if (M.inRam(pa, size)) {
    M.tlbFill(S.tlbLoad, va, pa, M.dataKey);
    return readRam(M.ramWasm(pa), size);
  }
  return ioRead(pa, size, va);
}

export function storeSlow(va: u64, size: u64, v: u64): void {
  if ((va & 0xfff) + size > 4096) {
    // Translate both pages before writing anything so a fault leaves memory unchanged.
    M.translate(va, B.ACCESS_STORE);
    if (!trapPending) M.translate((va + size - 1) & PAGE_MASK, B.ACCESS_STORE);
    if (trapPending) return;
    for (let i: u64 = 0; i < size; i++) {
      storeSlow(va + i, 1, v >> (i * 8));
      if (trapPending) return;
    }
    return;
  }
  const pa = M.translate(va, B.ACCESS_STORE);
  if (trapPending) return;
  if (M.inRam(pa, size)) {
    const a = M.ramWasm(pa);
    writeRam(a, size, v);
    noteRamStore(a);
    storeTlbFill(va, pa);
    return;
  }
  ioWrite(pa, size, v, va);
}

function ioRead(pa: u64, size: u64, va: u64): u64 {
  if ((pa & (size - 1)) != 0) {
    raise(B.CAUSE_LOAD_MISALIGNED, va);
    return 0;
  }
  if (pa - <u64>CLINT_BASE < <u64>CLINT_SIZE) return clintRead(pa - <u64>CLINT_BASE, size);
  S.count(HS_COUNT_MMIO_READ);
  store<u64>(S.hb + HS_PC, S.pc);
  let v = <u64>mmio_read(S.hartId, <i64>pa, <i32>size);
  if (size < 8) v &= (<u64>1 << (size * 8)) - 1;
  afterDeviceAccess(B.CAUSE_LOAD_ACCESS, va);
  return v;
}

function ioWrite(pa: u64, size: u64, v: u64, va: u64): void {
  if ((pa & (size - 1)) != 0) {
    raise(B.CAUSE_STORE_MISALIGNED, va);
    return;
  }
  if (size < 8) v &= (<u64>1 << (size * 8)) - 1;
  if (pa - <u64>CLINT_BASE < <u64>CLINT_SIZE) {
    clintWrite(pa - <u64>CLINT_BASE, size, v);
    return;
  }
  S.count(HS_COUNT_MMIO_WRITE);
  store<u64>(S.hb + HS_PC, S.pc);
  mmio_write(S.hartId, <i64>pa, <i32>size, <i64>v);
  afterDeviceAccess(B.CAUSE_STORE_ACCESS, va);
}

/** The platform reports a bus error through HS_BUS_ERROR and a stop through HS_CONTROL. */
function afterDeviceAccess(faultCause: u64, va: u64): void {
  const busError = S.hb + HS_BUS_ERROR;
  if (load<i32>(busError) != 0) {
    store<i32>(busError, 0);
    raise(faultCause, va);
  }
  if (atomic.load<i32>(S.hb + HS_CONTROL) != 0) S.requestExit(EXIT_STOP_REQUESTED);
}

/** Wasm address of the halfword at va for fetching (0 after raising a fault). */
function fetchHalfAddr(va: u64): usize {
  const e = S.tlbFetch + <usize>(((va >> 12) & 255) << 4);
  let delta: u64;
  if (load<u64>(e) == ((va & PAGE_MASK) | M.fetchKey)) {
    delta = load<u64>(e, 8);
  } else {
    const pa = M.translate(va, B.ACCESS_FETCH);
    if (trapPending) return 0;
    if (!M.inRam(pa, 2)) {
      M.accessFault(B.ACCESS_FETCH, va);
      return 0;
    }
    M.tlbFill(S.tlbFetch, va, pa, M.fetchKey);
    delta = load<u64>(e, 8);
  }
  M.fetchPage = va & PAGE_MASK;
  M.fetchDelta = delta;
  return <usize>(va + delta);
}

/** Instruction bits at pc when the fetch page changed; raises fetch faults (check trapPending). */
export function fetchSlow(pc: u64): u32 {
  const a = fetchHalfAddr(pc);
  if (trapPending) return 0;
  const lo = <u32>load<u16>(a);
  if ((lo & 3) != 3) return lo;
  if ((pc & 0xfff) != 0xffe) return load<u32>(a);
  const b = fetchHalfAddr(pc + 2);
  if (trapPending) return 0;
  return lo | (<u32>load<u16>(b) << 16);
}
