// Square root: WASM's f32.sqrt/f64.sqrt are correctly rounded to nearest-even; an exact integer
// comparison of q*q with the operand gives the sign of the error, which fixes the directed
// modes and decides NX. A square root can never be a tie, so RMM equals RNE.

import { FLAG_NX, RM_RDN, RM_RTZ, RM_RUP, raise } from './flags';
import { isInf, isNaN, isNeg, isZero, unpackSig, unpackedExp } from './format';
import { invalid, propagateNaN } from './special';
import { cmp128, mul128, shl128, wideHi } from './wide';

export function fpuSqrt(a: u64, dbl: bool, rm: u32): u64 {
  if (isNaN(a, dbl)) return propagateNaN(a, a, dbl);
  if (isZero(a, dbl)) return a;
  if (isNeg(a, dbl)) return invalid(dbl);
  if (isInf(a, dbl)) return a;
  const q: u64 = dbl
    ? reinterpret<u64>(sqrt<f64>(reinterpret<f64>(a)))
    : <u64>reinterpret<u32>(sqrt<f32>(reinterpret<f32>(<u32>a)));
  const mq = unpackSig(q, dbl);
  const eq = unpackedExp;
  const mx = unpackSig(a, dbl);
  const ex = unpackedExp;
  // Compare x = mx * 2^ex with q^2 = mq^2 * 2^(2 eq); q^2 is within a few ulps of x, so the
  // exponent gap d is small and positive (at most 2p for the tiniest subnormal).
  const d = ex - 2 * eq;
  const sqLo = mul128(mq, mq);
  const sqHi = wideHi;
  const xLo = shl128(0, mx, d);
  const order = cmp128(wideHi, xLo, sqHi, sqLo);
  if (order == 0) return q;
  raise(FLAG_NX);
  if (order < 0 && (rm == RM_RTZ || rm == RM_RDN)) return q - 1;
  if (order > 0 && rm == RM_RUP) return q + 1;
  return q;
}
