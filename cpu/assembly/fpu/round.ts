// Exact rounding of an integer significand into a binary format: the one place that decides
// rounding direction, overflow, subnormals and the NX/UF/OF flags (tininess after rounding).

import { FLAG_NX, FLAG_OF, FLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP, raise } from './flags';
import { bias, infinity, maxFinite, precision, signBit } from './format';

/** Set by `shiftRightRound`: some non-zero bits were discarded. */
export let roundedInexact: bool = false;

/** Whether rounding a discarded remainder moves the magnitude up, per mode. */
// @ts-ignore: decorator
@inline
function roundsUp(q: u64, rem: u64, half: u64, neg: bool, rm: u32): bool {
  if (rem == 0) return false;
  if (rm == RM_RNE) return rem > half || (rem == half && (q & 1) != 0);
  if (rm == RM_RTZ) return false;
  if (rm == RM_RDN) return neg;
  if (rm == RM_RUP) return !neg;
  return rem >= half; // RMM
}

/** sig / 2^shift rounded to an integer per `rm` for a value of sign `neg` (shift >= 1). */
export function shiftRightRound(sig: u64, shift: i32, neg: bool, rm: u32): u64 {
  let q: u64;
  let rem: u64;
  let half: u64;
  if (shift < 64) {
    q = sig >> <u64>shift;
    rem = sig & ((<u64>1 << <u64>shift) - 1);
    half = <u64>1 << <u64>(shift - 1);
  } else if (shift == 64) {
    q = 0;
    rem = sig;
    half = <u64>1 << 63;
  } else {
    // Everything is below half of the last kept bit: a non-zero, non-tie remainder.
    q = 0;
    rem = sig != 0 ? 1 : 0;
    half = 2;
  }
  roundedInexact = rem != 0;
  return roundsUp(q, rem, half, neg, rm) ? q + 1 : q;
}

/** Result of an overflow: infinity or the largest finite value, by mode and sign. */
export function overflowResult(neg: bool, dbl: bool, rm: u32): u64 {
  raise(FLAG_OF | FLAG_NX);
  const sign = neg ? signBit(dbl) : 0;
  const toInf =
    rm == RM_RNE || rm == RM_RMM || (rm == RM_RDN && neg) || (rm == RM_RUP && !neg);
  return sign | (toInf ? infinity(dbl) : maxFinite(dbl));
}

/**
 * Rounds (-1)^neg * sig * 2^exp (sig != 0) to the format. Bits of `sig` below the rounding
 * point may include a jammed sticky bit, provided it lies at least two bits below the last
 * kept bit of a normal result.
 */
export function roundPack(neg: bool, exp: i32, sig: u64, dbl: bool, rm: u32): u64 {
  const p = precision(dbl);
  const lz = <i32>clz(sig);
  const norm = sig << <u64>lz;
  let e = exp + 63 - lz; // value in [2^e, 2^(e+1))
  const emin = 1 - bias(dbl);
  const sign = neg ? signBit(dbl) : 0;
  const top = <u64>1 << <u64>p;
  if (e >= emin) {
    let m = shiftRightRound(norm, 64 - p, neg, rm);
    if (m == top) {
      m >>= 1;
      e++;
    }
    if (e > bias(dbl)) return overflowResult(neg, dbl, rm);
    if (roundedInexact) raise(FLAG_NX);
    return sign | (<u64>(e + bias(dbl)) << <u64>(p - 1)) | (m & ((top >> 1) - 1));
  }
  // Below the normal range. Tiny means: rounded to full precision with an unbounded exponent,
  // the magnitude is still below 2^emin.
  const unbounded = shiftRightRound(norm, 64 - p, neg, rm);
  const tiny = !(unbounded == top && e + 1 == emin);
  const m = shiftRightRound(norm, 64 - p + (emin - e), neg, rm);
  if (roundedInexact) raise(tiny ? FLAG_NX | FLAG_UF : FLAG_NX);
  // A carry into bit p-1 yields the smallest normal, whose encoding is exactly sign | m.
  return sign | m;
}
