// Native WebAssembly float arithmetic where it is provably what the exact FPU would compute.
//
// WASM's f32/f64 add, sub, mul, div and sqrt are IEEE 754 operations rounded to nearest-even —
// the same result as RISC-V's with rm = RNE. What they lack is the exception flags (and RISC-V's
// canonical NaN). So the fast path runs only when the flags cannot change: fflags.NX already set
// at region entry (flags are sticky, and translated code never clears them) and a result that is
// a normal finite number. Such a result raised no NV (no NaN), DZ or OF (no infinity) and no UF
// (not tiny); its only possible flag, NX, is already set. Anything else — zero, subnormal,
// infinite or NaN results, another rounding mode — takes the exact FPU call, as before.
//
// FMA has no WASM instruction. For doubles: if a·b is exact in a double (Dekker's product error
// is zero — it is for most data with short mantissas, e.g. small integers and binary fractions),
// a·b + c rounded once is exactly the fused result, and f64.add does that rounding. Operands are
// kept within 2^±400 so that every partial product of the check is exact (no overflow, no
// underflow). Single-precision FMA stays on the FPU call (double rounding otherwise).
import { Op, ValType } from '../wasm-emitter';
import type { FpInst } from './decode-fp';
import type { EmitContext } from './emit-context';

const { i32, i64 } = ValType;
type FpArith = Extract<FpInst, { kind: 'fp' }>;

const BINARY_F64 = { add: Op.f64_add, sub: Op.f64_sub, mul: Op.f64_mul, div: Op.f64_div } as const;
const BINARY_F32 = { add: Op.f32_add, sub: Op.f32_sub, mul: Op.f32_mul, div: Op.f32_div } as const;
/** 2^27 + 1: Veltkamp's splitter for doubles. */
const SPLITTER = 0x41a0000002000000n;
const SIGN64 = -0x8000000000000000n;
/** Biased exponents of 2^-400 and 2^400: FMA operands must lie in between. */
const FMA_MIN_EXP = 1023 - 400;
const FMA_MAX_EXP = 1023 + 400;

/** Static RNE, or dynamic (frm read at region entry); add/sub/mul/div/sqrt, double FMA. */
export function hasFastPath(inst: FpArith): boolean {
  if (inst.rm !== 0 && inst.rm !== 7) return false;
  if (inst.op === 'fma') return inst.double;
  return inst.op === 'sqrt' || inst.op in BINARY_F64;
}

/**
 * Pushes the result bits (i64 for doubles, i32 for singles, not yet boxed) of `inst`: the native
 * operation when allowed, else `slow()` (which pushes the exact FPU's result).
 */
export function emitFastArith(
  c: EmitContext,
  inst: FpArith,
  src: (r: number) => void,
  slow: () => void,
): void {
  const b = c.b;
  const d = inst.double;
  const type = d ? i64 : i32;
  b.localGet(inst.rm === 7 ? c.fastDynamicRm : c.fastStaticRm).if(type);
  if (inst.op === 'fma') emitExactProductFma(c, inst, src, slow);
  else emitNative(c, inst, src, slow);
  b.else();
  slow();
  b.end();
}

/** Native op; keeps the result if it is a normal finite number. */
function emitNative(
  c: EmitContext,
  inst: FpArith,
  src: (r: number) => void,
  slow: () => void,
): void {
  const b = c.b;
  const d = inst.double;
  const toFloat = d ? Op.f64_reinterpret_i64 : Op.f32_reinterpret_i32;
  src(inst.rs1);
  b.op(toFloat);
  if (inst.op === 'sqrt') {
    b.op(d ? Op.f64_sqrt : Op.f32_sqrt);
  } else {
    src(inst.rs2);
    b.op(toFloat);
    const op = inst.op as keyof typeof BINARY_F64;
    b.op(d ? BINARY_F64[op] : BINARY_F32[op]);
  }
  b.op(d ? Op.i64_reinterpret_f64 : Op.i32_reinterpret_f32);
  keepIfNormal(c, d, slow);
}

/** The value on the stack (bits) if its exponent is neither 0 nor all ones, else slow(). */
function keepIfNormal(c: EmitContext, double: boolean, slow: () => void): void {
  const b = c.b;
  if (double) {
    b.localTee(c.t1);
    b.i64Const(52n).op(Op.i64_shr_u).i64Const(0x7ffn).op(Op.i64_and);
    b.i64Const(1n).op(Op.i64_sub).i64Const(0x7fen).op(Op.i64_lt_u);
    b.if(i64).localGet(c.t1).else();
  } else {
    b.localTee(c.a32);
    b.i32Const(23).op(Op.i32_shr_u).i32Const(0xff).op(Op.i32_and);
    b.i32Const(1).op(Op.i32_sub).i32Const(0xfe).op(Op.i32_lt_u);
    b.if(i32).localGet(c.a32).else();
  }
  slow();
  b.end();
}

/** Double FMA as p + c when p = a·b is exact (see the header). */
function emitExactProductFma(
  c: EmitContext,
  inst: FpArith,
  src: (r: number) => void,
  slow: () => void,
): void {
  const b = c.b;
  const s = (i: number): number => c.f64Scratch(i);
  const [fa, fb, fc, p, ah, al, bh, bl] = [s(0), s(1), s(2), s(3), s(4), s(5), s(6), s(7)];
  // Operands with their sign flips (fmsub / fnmsub / fnmadd).
  src(inst.rs1);
  if (inst.variant >= 2) b.i64Const(SIGN64).op(Op.i64_xor);
  b.localTee(c.a64).op(Op.f64_reinterpret_i64).localSet(fa);
  src(inst.rs2);
  b.localTee(c.b64).op(Op.f64_reinterpret_i64).localSet(fb);
  src(inst.rs3);
  if (inst.variant === 1 || inst.variant === 3) b.i64Const(SIGN64).op(Op.i64_xor);
  b.op(Op.f64_reinterpret_i64).localSet(fc);
  // Both factors in 2^±400 (which also excludes zero, subnormals, infinities and NaN).
  inRange(c, c.a64);
  inRange(c, c.b64);
  b.op(Op.i32_and).if(i64);
  b.localGet(fa).localGet(fb).op(Op.f64_mul).localSet(p);
  // Dekker: err = al·bl − (((p − ah·bh) − al·bh) − ah·bl); a·b is exact iff err = 0.
  split(c, fa, ah, al);
  split(c, fb, bh, bl);
  b.localGet(al).localGet(bl).op(Op.f64_mul);
  b.localGet(p).localGet(ah).localGet(bh).op(Op.f64_mul).op(Op.f64_sub);
  b.localGet(al).localGet(bh).op(Op.f64_mul).op(Op.f64_sub);
  b.localGet(ah).localGet(bl).op(Op.f64_mul).op(Op.f64_sub);
  b.op(Op.f64_sub);
  b.i64Const(0n).op(Op.f64_reinterpret_i64, Op.f64_eq).if(i64);
  b.localGet(p).localGet(fc).op(Op.f64_add).op(Op.i64_reinterpret_f64);
  keepIfNormal(c, true, slow);
  b.else();
  slow();
  b.end();
  b.else();
  slow();
  b.end();
}

/** Pushes i32 1 if the double in bits local `bits` has a biased exponent in the FMA range. */
function inRange(c: EmitContext, bits: number): void {
  const b = c.b;
  b.localGet(bits).i64Const(52n).op(Op.i64_shr_u).i64Const(0x7ffn).op(Op.i64_and);
  b.i64Const(BigInt(FMA_MIN_EXP)).op(Op.i64_sub);
  b.i64Const(BigInt(FMA_MAX_EXP - FMA_MIN_EXP)).op(Op.i64_le_u);
}

/** Veltkamp: hi = t − (t − x) with t = x·(2^27 + 1), lo = x − hi (exact within the range). */
function split(c: EmitContext, x: number, hi: number, lo: number): void {
  const b = c.b;
  b.i64Const(SPLITTER).op(Op.f64_reinterpret_i64).localGet(x).op(Op.f64_mul);
  b.localTee(hi); // t
  b.localGet(hi).localGet(x).op(Op.f64_sub).op(Op.f64_sub).localSet(hi);
  b.localGet(x).localGet(hi).op(Op.f64_sub).localSet(lo);
}
