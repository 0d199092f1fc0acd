// RISC-V operation → WASM opcode tables used by the block compiler.
import { Mem, Op, type MemOp } from '../wasm-emitter';
import type { AluOp, BranchOp } from './decode';

export const LOAD_OPS: Record<string, MemOp> = {
  '1s': Mem.i64_load8_s,
  '1u': Mem.i64_load8_u,
  '2s': Mem.i64_load16_s,
  '2u': Mem.i64_load16_u,
  '4s': Mem.i64_load32_s,
  '4u': Mem.i64_load32_u,
  '8s': Mem.i64_load,
  '8u': Mem.i64_load,
};
export const STORE_OPS: Record<number, MemOp> = {
  1: Mem.i64_store8,
  2: Mem.i64_store16,
  4: Mem.i64_store32,
  8: Mem.i64_store,
};
export const ALU64: Partial<Record<AluOp, number>> = {
  add: Op.i64_add,
  sub: Op.i64_sub,
  sll: Op.i64_shl,
  srl: Op.i64_shr_u,
  sra: Op.i64_shr_s,
  xor: Op.i64_xor,
  or: Op.i64_or,
  and: Op.i64_and,
  mul: Op.i64_mul,
};
export const ALU32: Partial<Record<AluOp, number>> = {
  add: Op.i32_add,
  sub: Op.i32_sub,
  sll: Op.i32_shl,
  srl: Op.i32_shr_u,
  sra: Op.i32_shr_s,
  mul: Op.i32_mul,
};
export const BRANCH_OPS: Record<BranchOp, number> = {
  eq: Op.i64_eq,
  ne: Op.i64_ne,
  lt: Op.i64_lt_s,
  ge: Op.i64_ge_s,
  ltu: Op.i64_lt_u,
  geu: Op.i64_ge_u,
};
