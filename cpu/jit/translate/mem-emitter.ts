// Loads and stores through the hart's load/store TLB (format of cpu/assembly/mmu.ts), inline.
// A tag mismatch or an access crossing the page leaves with JIT_STATUS_INTERPRET *before* the
// instruction: the interpreter walks, fills the TLB, does MMIO and raises every fault, so
// translated code never touches memory outside RAM. A store needs no self-modifying-code check:
// the store TLB never maps a page holding code (store-tlb-shootdown.ts), so such a store misses
// and the interpreter's store path invalidates the page.
import { Mem, Op, type MemOp } from '../wasm-emitter';
import { HS_TLB_LOAD, HS_TLB_STORE } from '../../layout/hart-state';
import { EmitContext, JIT_STATUS_INTERPRET } from './emit-context';

const PAGE_MASK = ~0xfffn;

/** Where the instruction sits: page offset, encoded length, index in its block. */
export interface InstPlace {
  offset: number;
  length: number;
  index: number;
}

/** va = x[rs1] + imm; c.entry = TLB slot (of va's page); leaves unless that entry maps the page
 * of the access's LAST byte for the current data key — one compare that also catches an access
 * crossing into the next page (its last byte is then in another page than the entry's tag). */
function emitTranslate(
  c: EmitContext,
  rs1: number,
  imm: bigint,
  size: number,
  tlb: number,
  at: InstPlace,
): void {
  const b = c.b;
  c.get(rs1);
  if (imm !== 0n) b.i64Const(imm).op(Op.i64_add);
  b.localTee(c.va);
  // Byte offset of the entry ((va >> 12) & 255) * 16 in one shift and mask; the hart's block
  // address is a constant of this hart's code, folded into the load's offset.
  b.i64Const(8n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32Const(0xff0).op(Op.i32_and);
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
  emitTranslate(c, rs1, imm, size, tlb, at);
  c.b
    .localGet(c.va)
    .localGet(c.entry)
    .mem(Mem.i64_load, c.hb + tlb + 8)
    .op(Op.i64_add, Op.i32_wrap_i64);
}

/** Pushes the wasm address of a load of `size` bytes at x[rs1] + imm. */
export function emitLoadAddress(
  c: EmitContext,
  rs1: number,
  imm: bigint,
  size: number,
  at: InstPlace,
): void {
  emitAddress(c, rs1, imm, size, HS_TLB_LOAD, at);
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
