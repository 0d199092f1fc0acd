// The RISC-V F/D floating-point unit: IEEE 754 binary32/binary64 on raw bit patterns.
//
// Contract (cpu/ README): a, b, c are bit patterns (u32 single, u64 double); `rm` is an already
// resolved rounding mode (0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM). Every function ORs the exception
// flags it raises into `fpu_flags` (RISC-V fflags bits); the CPU moves them into fcsr.fflags
// and clears the global. NaN results are canonical; NaN-boxing is the CPU's job.
//
// Layout: fast.ts / fast-convert.ts (native WASM fast paths that detect exactness),
// soft-arith.ts / soft-fma.ts (exact integer-significand paths), round.ts (the one rounding
// routine: modes, subnormals, overflow, tininess after rounding), sqrt.ts, compare.ts,
// convert.ts, format.ts (field helpers), wide.ts (128-bit helpers), flags.ts.

import { compareEq, compareLess, classify, minMax } from './compare';
import { doubleToSingle, intToFloat, singleToDouble } from './convert';
import { fastAdd, fastDiv, fastFma32, fastFma64, fastMul } from './fast';
import { fastFloatToInt, int32ToDouble } from './fast-convert';
import { fpuSqrt } from './sqrt';
import * as flags from './flags';

export { fpu_flags } from './flags';

/** Returns the accumulated flags and clears them (for callers that cannot assign an import). */
export function fpu_take_flags(): u32 {
  const f = flags.fpu_flags;
  flags.fpu_flags = 0;
  return f;
}

// ---- binary32 ----

export function f32_add(a: u32, b: u32, rm: u32): u32 {
  return <u32>fastAdd(a, b, false, rm);
}
export function f32_sub(a: u32, b: u32, rm: u32): u32 {
  return <u32>fastAdd(a, b ^ 0x8000_0000, false, rm);
}
export function f32_mul(a: u32, b: u32, rm: u32): u32 {
  return <u32>fastMul(a, b, false, rm);
}
export function f32_div(a: u32, b: u32, rm: u32): u32 {
  return <u32>fastDiv(a, b, false, rm);
}
export function f32_sqrt(a: u32, rm: u32): u32 {
  return <u32>fpuSqrt(a, false, rm);
}
export function f32_fma(a: u32, b: u32, c: u32, rm: u32): u32 {
  return <u32>fastFma32(a, b, c, rm);
}
export function f32_min(a: u32, b: u32): u32 {
  return <u32>minMax(a, b, false, false);
}
export function f32_max(a: u32, b: u32): u32 {
  return <u32>minMax(a, b, false, true);
}
export function f32_eq(a: u32, b: u32): u32 {
  return compareEq(a, b, false);
}
export function f32_lt(a: u32, b: u32): u32 {
  return compareLess(a, b, false, false);
}
export function f32_le(a: u32, b: u32): u32 {
  return compareLess(a, b, false, true);
}
export function f32_class(a: u32): u32 {
  return classify(a, false);
}
export function f32_to_i32(a: u32, rm: u32): i32 {
  return <i32>fastFloatToInt(a, false, rm, true, 32);
}
export function f32_to_u32(a: u32, rm: u32): i32 {
  return <i32>fastFloatToInt(a, false, rm, false, 32);
}
export function f32_to_i64(a: u32, rm: u32): i64 {
  return fastFloatToInt(a, false, rm, true, 64);
}
export function f32_to_u64(a: u32, rm: u32): i64 {
  return fastFloatToInt(a, false, rm, false, 64);
}
export function i32_to_f32(x: i32, rm: u32): u32 {
  return <u32>intToFloat(<u64>(x < 0 ? -<i64>x : <i64>x), x < 0, false, rm);
}
export function u32_to_f32(x: u32, rm: u32): u32 {
  return <u32>intToFloat(<u64>x, false, false, rm);
}
export function i64_to_f32(x: i64, rm: u32): u32 {
  return <u32>intToFloat(x < 0 ? 0 - <u64>x : <u64>x, x < 0, false, rm);
}
export function u64_to_f32(x: u64, rm: u32): u32 {
  return <u32>intToFloat(x, false, false, rm);
}

// ---- binary64 ----

export function f64_add(a: u64, b: u64, rm: u32): u64 {
  return fastAdd(a, b, true, rm);
}
export function f64_sub(a: u64, b: u64, rm: u32): u64 {
  return fastAdd(a, b ^ 0x8000_0000_0000_0000, true, rm);
}
export function f64_mul(a: u64, b: u64, rm: u32): u64 {
  return fastMul(a, b, true, rm);
}
export function f64_div(a: u64, b: u64, rm: u32): u64 {
  return fastDiv(a, b, true, rm);
}
export function f64_sqrt(a: u64, rm: u32): u64 {
  return fpuSqrt(a, true, rm);
}
export function f64_fma(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fastFma64(a, b, c, rm);
}
export function f64_min(a: u64, b: u64): u64 {
  return minMax(a, b, true, false);
}
export function f64_max(a: u64, b: u64): u64 {
  return minMax(a, b, true, true);
}
export function f64_eq(a: u64, b: u64): u32 {
  return compareEq(a, b, true);
}
export function f64_lt(a: u64, b: u64): u32 {
  return compareLess(a, b, true, false);
}
export function f64_le(a: u64, b: u64): u32 {
  return compareLess(a, b, true, true);
}
export function f64_class(a: u64): u32 {
  return classify(a, true);
}
export function f64_to_i32(a: u64, rm: u32): i32 {
  return <i32>fastFloatToInt(a, true, rm, true, 32);
}
export function f64_to_u32(a: u64, rm: u32): i32 {
  return <i32>fastFloatToInt(a, true, rm, false, 32);
}
export function f64_to_i64(a: u64, rm: u32): i64 {
  return fastFloatToInt(a, true, rm, true, 64);
}
export function f64_to_u64(a: u64, rm: u32): i64 {
  return fastFloatToInt(a, true, rm, false, 64);
}
export function i32_to_f64(x: i32, _rm: u32): u64 {
  return int32ToDouble(<i64>x);
}
export function u32_to_f64(x: u32, _rm: u32): u64 {
  return int32ToDouble(<i64>x);
}
export function i64_to_f64(x: i64, rm: u32): u64 {
  return intToFloat(x < 0 ? 0 - <u64>x : <u64>x, x < 0, true, rm);
}
export function u64_to_f64(x: u64, rm: u32): u64 {
  return intToFloat(x, false, true, rm);
}

// ---- between formats ----

export function f32_to_f64(a: u32): u64 {
  return singleToDouble(a);
}
export function f64_to_f32(a: u64, rm: u32): u32 {
  return <u32>doubleToSingle(a, rm);
}
