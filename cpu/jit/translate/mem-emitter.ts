// Loads and stores through the hart's load/store TLB (format of cpu/assembly/mmu.ts), inline.
// A tag mismatch or an access crossing the page leaves with JIT_STATUS_INTERPRET *before* the
// instruction: the interpreter walks, fills the TLB, does MMIO and raises every fault, so
// translated code never touches memory outside RAM. A store needs no self-modifying-code check:
// the store TLB never maps a page holding code (store-tlb-shootdown.ts), so such a store misses
// and the interpreter's store path invalidates the page.
import { Mem, Op, type MemOp } from '../wasm-emitter';
import { HS_TLB_LOAD, HS_TLB_STORE } from '../../layout/hart-state';
import { EmitContext, JIT_STATUS_INTERPRET, type LoadCache } from './emit-context';

const PAGE_MASK = ~0xfffn;
/** A LoadCache page no access matches: a page's low 12 bits are 0, an access's masked va has
 * only its low (misalignment) bits set. */
export const NO_PAGE = 0x800n;

/** Where the instruction sits: page offset, encoded length, index in its block. */
export interface InstPlace {
  offset: number;
  length: number;
  index: number;
}

/** va = x[rs1] + imm, into c.va. */
function emitVa(c: EmitContext, rs1: number, imm: bigint): void {
  c.get(rs1);
  if (imm !== 0n) c.b.i64Const(imm).op(Op.i64_add);
  c.b.localSet(c.va);
}

/** c.entry = TLB slot of c.va's page; leaves unless that entry maps the page of the access's
 * LAST byte for the current data key — one compare that also catches an access crossing into
 * the next page (its last byte is then in another page than the entry's tag). */
function emitTlbCheck(c: EmitContext, size: number, tlb: number, at: InstPlace): void {
  const b = c.b;
  // Byte offset of the entry ((va >> 12) & 255) * 16 in one shift and mask; the hart's block
  // address is a constant of this hart's code, folded into the load's offset.
  b.localGet(c.va).i64Const(8n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32Const(0xff0).op(Op.i32_and);
  b.localTee(c.entry).mem(Mem.i64_load, c.hb + tlb);
  b.localGet(c.va);
  if (size > 1) b.i64Const(BigInt(size - 1)).op(Op.i64_add);
  b.i64Const(PAGE_MASK).op(Op.i64_and).localGet(c.key64).op(Op.i64_or, Op.i64_ne);
  b.if();
  c.exit(at.offset, at.index, JIT_STATUS_INTERPRET);
  b.end();
}

/** Pushes the wasm address of an access of `size` bytes at x[rs1] + imm through `tlb`. */
function emitAddress(
  c: EmitContext,
  rs1: number,
  imm: bigint,
  size: number,
  tlb: number,
  at: InstPlace,
): void {
  emitVa(c, rs1, imm);
  emitTlbCheck(c, size, tlb, at);
  c.b
    .localGet(c.va)
    .localGet(c.entry)
    .mem(Mem.i64_load, c.hb + tlb + 8)
    .op(Op.i64_add, Op.i32_wrap_i64);
}

/** A load in a loop keeps its last page translation in two locals (LoadCache): an aligned
 * access to that page — which cannot cross it — needs one mask and compare, and no TLB load on
 * the critical path. Anything else goes through the TLB and refills the cache. Only loads: a
 * hart's store TLB may lose a page to another hart marking it as code (store-tlb-shootdown.ts),
 * which a copy in locals would not see. */
function emitCachedLoadAddress(
  c: EmitContext,
  cache: LoadCache,
  rs1: number,
  imm: bigint,
  size: number,
  at: InstPlace,
): void {
  const b = c.b;
  emitVa(c, rs1, imm);
  b.block();
  b.localGet(c.va)
    .i64Const(PAGE_MASK | BigInt(size - 1))
    .op(Op.i64_and);
  b.localGet(cache.page).op(Op.i64_eq).brIf(0);
  emitTlbCheck(c, size, HS_TLB_LOAD, at);
  b.localGet(c.va).i64Const(PAGE_MASK).op(Op.i64_and).localSet(cache.page);
  b.localGet(c.entry)
    .mem(Mem.i64_load, c.hb + HS_TLB_LOAD + 8)
    .localSet(cache.addend);
  b.end();
  b.localGet(c.va).localGet(cache.addend).op(Op.i64_add, Op.i32_wrap_i64);
}

/** Pushes the wasm address of a load of `size` bytes at x[rs1] + imm. */
export function emitLoadAddress(
  c: EmitContext,
  rs1: number,
  imm: bigint,
  size: number,
  at: InstPlace,
): void {
  const cache = c.loadCache(at.index);
  if (cache) emitCachedLoadAddress(c, cache, rs1, imm, size, at);
  else emitAddress(c, rs1, imm, size, HS_TLB_LOAD, at);
}

/** Stores the i64 pushed by `value` (low `size` bytes) at x[rs1] + imm. */
export function emitStore(
  c: EmitContext,
  rs1: number,
  imm: bigint,
  size: number,
  op: MemOp,
  value: () => void,
  at: InstPlace,
): void {
  emitAddress(c, rs1, imm, size, HS_TLB_STORE, at);
  value();
  c.b.mem(op, 0, 0);
}
