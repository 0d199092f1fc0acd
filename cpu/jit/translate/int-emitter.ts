// Integer ALU instructions (RV64I + M) into WASM on register locals.
import { Op } from '../wasm-emitter';
import type { AluOp } from './decode';
import type { EmitContext } from './emit-context';
import { emitMulHigh } from './mul-high';
import { emitDivide } from './divide';
import { ALU32, ALU64 } from './op-tables';

/** Pushes `lhs op rhs` (64-bit, or the W form sign-extended). */
export function emitAlu(
  c: EmitContext,
  op: AluOp,
  word: boolean,
  lhs: () => void,
  rhs: () => void,
): void {
  const b = c.b;
  if (op === 'slt' || op === 'sltu') {
    lhs();
    rhs();
    b.op(op === 'slt' ? Op.i64_lt_s : Op.i64_lt_u, Op.i64_extend_i32_u);
    return;
  }
  if (op === 'div' || op === 'divu' || op === 'rem' || op === 'remu') {
    const [x, y] = word ? [c.a32, c.b32] : [c.a64, c.b64];
    lhs();
    if (word) b.op(Op.i32_wrap_i64);
    b.localSet(x);
    rhs();
    if (word) b.op(Op.i32_wrap_i64);
    b.localSet(y);
    emitDivide(b, op, word, x, y);
    return;
  }
  if (op === 'mulh' || op === 'mulhsu' || op === 'mulhu') {
    lhs();
    b.localSet(c.a64);
    rhs();
    b.localSet(c.b64);
    emitMulHigh(b, op, c.a64, c.b64, c.t1, c.t2);
    return;
  }
  if (word) {
    lhs();
    b.op(Op.i32_wrap_i64);
    rhs();
    b.op(Op.i32_wrap_i64, ALU32[op]!, Op.i64_extend_i32_s);
    return;
  }
  lhs();
  rhs();
  b.op(ALU64[op]!);
}
