// RISC-V division never traps, WASM division does: x/0 = -1 (all ones), x%0 = x,
// MIN/-1 = MIN, MIN%-1 = 0. The W forms work on i32 and sign-extend the result.
import { Op, ValType, type FunctionBuilder } from '../wasm-emitter';

const ALU64 = { div: Op.i64_div_s, divu: Op.i64_div_u, rem: Op.i64_rem_s, remu: Op.i64_rem_u };
const ALU32 = { div: Op.i32_div_s, divu: Op.i32_div_u, rem: Op.i32_rem_s, remu: Op.i32_rem_u };

/** Pushes the quotient/remainder of locals `x` and `y` (i32 locals when `word`, else i64) as i64. */
export function emitDivide(
  b: FunctionBuilder,
  op: 'div' | 'divu' | 'rem' | 'remu',
  word: boolean,
  x: number,
  y: number,
): void {
  const type = word ? ValType.i32 : ValType.i64;
  const konst = (v: bigint): void =>
    void (word ? b.i32Const(Number(BigInt.asIntN(32, v))) : b.i64Const(v));
  const eq = word ? Op.i32_eq : Op.i64_eq;
  const isRem = op === 'rem' || op === 'remu';
  b.localGet(y)
    .op(word ? Op.i32_eqz : Op.i64_eqz)
    .if(type);
  if (isRem) b.localGet(x);
  else konst(-1n);
  b.else();
  const operation = (word ? ALU32 : ALU64)[op];
  if (op === 'div' || op === 'rem') {
    const min = word ? -(2n ** 31n) : -(2n ** 63n);
    b.localGet(x);
    konst(min);
    b.op(eq).localGet(y);
    konst(-1n);
    b.op(eq, Op.i32_and).if(type);
    konst(isRem ? 0n : min);
    b.else().localGet(x).localGet(y).op(operation).end();
  } else {
    b.localGet(x).localGet(y).op(operation);
  }
  b.end();
  if (word) b.op(Op.i64_extend_i32_s);
}
