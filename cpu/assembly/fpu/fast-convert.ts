// Native fast paths for conversions: float -> integer with WASM's nearest/trunc/floor/ceil when
// the rounded value is in range (the saturating and NaN cases go to convert.ts), and the
// always-exact 32-bit integer -> double.

import { FLAG_NX, RM_RDN, RM_RNE, RM_RTZ, RM_RUP, raise } from './flags';
import { floatToInt } from './convert';

/** The value rounded to an integral double per rm (|v| < 2^64, not NaN). */
// @ts-ignore: decorator
@inline
function roundIntegral(v: f64, rm: u32): f64 {
  if (rm == RM_RNE) return nearest<f64>(v);
  if (rm == RM_RTZ) return trunc<f64>(v);
  if (rm == RM_RDN) return floor<f64>(v);
  if (rm == RM_RUP) return ceil<f64>(v);
  // RMM: v - trunc(v) is exact below 2^52 (and zero above), so the tie test is exact.
  const t = trunc<f64>(v);
  if (abs<f64>(v - t) >= 0.5) return v < 0 ? t - 1 : t + 1;
  return t;
}

/** Same contract as floatToInt, for a single (dbl = false) or double bit pattern. */
export function fastFloatToInt(a: u64, dbl: bool, rm: u32, signed: bool, bits: i32): i64 {
  const v: f64 = dbl ? reinterpret<f64>(a) : <f64>reinterpret<f32>(<u32>a);
  // Not NaN and comfortably inside every target's range before rounding.
  if (!(abs<f64>(v) < 4294967296.0)) return floatToInt(a, dbl, rm, signed, bits);
  const r = roundIntegral(v, rm);
  let lo: f64;
  let hi: f64;
  if (signed) {
    lo = bits == 32 ? -2147483648.0 : -9223372036854775808.0;
    hi = bits == 32 ? 2147483647.0 : 9223372036854775807.0;
  } else {
    lo = 0;
    hi = 4294967295.0;
  }
  if (r < lo || r > hi) return floatToInt(a, dbl, rm, signed, bits);
  if (r != v) raise(FLAG_NX);
  return <i64>r;
}

/** 32-bit integers convert to double exactly, in every mode. */
// @ts-ignore: decorator
@inline
export function int32ToDouble(x: i64): u64 {
  return reinterpret<u64>(<f64>x);
}
