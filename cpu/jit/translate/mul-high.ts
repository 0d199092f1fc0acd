// MULH / MULHSU / MULHU: the upper 64 bits of a 128-bit product, which WASM has no instruction
// for. Built from four 32×32→64 partial products; the signed forms subtract the other operand
// for each negative signed operand (two's-complement identity).
import { Op, type FunctionBuilder } from '../wasm-emitter';

const LOW32 = 0xffffffffn;

/** Pushes the high product of locals `x` and `y`; `t` and `u` are scratch i64 locals. */
export function emitMulHigh(
  b: FunctionBuilder,
  op: 'mulh' | 'mulhsu' | 'mulhu',
  x: number,
  y: number,
  t: number,
  u: number,
): void {
  const lo = (v: number): void => void b.localGet(v).i64Const(LOW32).op(Op.i64_and);
  const hi = (v: number): void => void b.localGet(v).i64Const(32n).op(Op.i64_shr_u);
  // t = xL*yL
  lo(x);
  lo(y);
  b.op(Op.i64_mul).localSet(t);
  // u = xH*yL + (t >> 32)
  hi(x);
  lo(y);
  b.op(Op.i64_mul).localGet(t).i64Const(32n).op(Op.i64_shr_u, Op.i64_add).localSet(u);
  // t = xL*yH + (u & LOW32)
  lo(x);
  hi(y);
  b.op(Op.i64_mul).localGet(u).i64Const(LOW32).op(Op.i64_and, Op.i64_add).localSet(t);
  // xH*yH + (u >> 32) + (t >> 32)
  hi(x);
  hi(y);
  b.op(Op.i64_mul);
  b.localGet(u).i64Const(32n).op(Op.i64_shr_u, Op.i64_add);
  b.localGet(t).i64Const(32n).op(Op.i64_shr_u, Op.i64_add);
  if (op === 'mulh' || op === 'mulhsu') {
    // x negative (signed): subtract y
    b.localGet(y).localGet(x).i64Const(63n).op(Op.i64_shr_s, Op.i64_and, Op.i64_sub);
  }
  if (op === 'mulh') {
    b.localGet(x).localGet(y).i64Const(63n).op(Op.i64_shr_s, Op.i64_and, Op.i64_sub);
  }
}
