// Conversions: float <-> integer (saturating, per RISC-V) and single <-> double.

import { FLAG_NV, FLAG_NX, raise } from './flags';
import {
  canonicalNaN,
  infinity,
  isInf,
  isNaN,
  isNeg,
  isSNaN,
  isZero,
  signBit,
  unpackSig,
  unpackedExp,
} from './format';
import { roundPack, roundedInexact, shiftRightRound } from './round';

/**
 * Float -> integer of 32 or 64 bits, signed or not. Returns the integer value (for unsigned
 * 64-bit results, its bit pattern). Out-of-range, infinite and NaN inputs saturate with NV
 * (NaN gives the largest value); in-range inexact results raise NX.
 */
export function floatToInt(a: u64, dbl: bool, rm: u32, signed: bool, bits: i32): i64 {
  let maxPos: u64 = bits == 64 ? <u64>-1 : (<u64>1 << <u64>bits) - 1;
  if (signed) maxPos >>= 1;
  const minNegMag: u64 = signed ? <u64>1 << <u64>(bits - 1) : 0; // magnitude of the minimum
  if (isNaN(a, dbl)) {
    raise(FLAG_NV);
    return <i64>maxPos;
  }
  const neg = isNeg(a, dbl);
  if (isZero(a, dbl)) return 0;
  let mag: u64 = 0;
  let inexact = false;
  let overflow = isInf(a, dbl);
  if (!overflow) {
    const sig = unpackSig(a, dbl);
    const e = unpackedExp;
    if (e >= 0) {
      // Exact integer; too large if its bit length exceeds 64.
      overflow = 64 - <i32>clz(sig) + e > 64;
      mag = overflow ? 0 : sig << <u64>e;
    } else {
      mag = shiftRightRound(sig, -e, neg, rm);
      inexact = roundedInexact;
    }
    if (!overflow) overflow = neg ? mag > minNegMag : mag > maxPos;
  }
  if (overflow) {
    raise(FLAG_NV);
    return neg ? -<i64>minNegMag : <i64>maxPos;
  }
  if (inexact) raise(FLAG_NX);
  return neg ? -<i64>mag : <i64>mag;
}

/** Integer (given as magnitude and sign) -> float, rounded per rm. */
export function intToFloat(mag: u64, neg: bool, dbl: bool, rm: u32): u64 {
  if (mag == 0) return 0;
  return roundPack(neg, 0, mag, dbl, rm);
}

/** Single -> double: exact; a NaN becomes the canonical NaN (NV if signalling). */
export function singleToDouble(a: u64): u64 {
  if (isNaN(a, false)) {
    if (isSNaN(a, false)) raise(FLAG_NV);
    return canonicalNaN(true);
  }
  const sign = isNeg(a, false) ? signBit(true) : 0;
  if (isInf(a, false)) return sign | infinity(true);
  if (isZero(a, false)) return sign;
  const sig = unpackSig(a, false);
  return roundPack(sign != 0, unpackedExp, sig, true, 0);
}

/** Double -> single, rounded per rm. */
export function doubleToSingle(a: u64, rm: u32): u64 {
  if (isNaN(a, true)) {
    if (isSNaN(a, true)) raise(FLAG_NV);
    return canonicalNaN(false);
  }
  const sign = isNeg(a, true) ? signBit(false) : 0;
  if (isInf(a, true)) return sign | infinity(false);
  if (isZero(a, true)) return sign;
  const sig = unpackSig(a, true);
  return roundPack(sign != 0, unpackedExp, sig, false, rm);
}
