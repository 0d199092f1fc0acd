// Comparisons, minimumNumber/maximumNumber (RISC-V 2.2+ fmin/fmax) and fclass.

import { FLAG_NV, raise } from './flags';
import {
  biasedExp,
  canonicalNaN,
  isInf,
  isNaN,
  isNeg,
  isSNaN,
  isZero,
} from './format';

/** Total order on non-NaN values where -0 < +0. */
function orderedLess(a: u64, b: u64, dbl: bool): bool {
  const na = isNeg(a, dbl);
  const nb = isNeg(b, dbl);
  if (na != nb) return na;
  return na ? a > b : a < b;
}

/** fmin (max = false) or fmax (max = true). */
export function minMax(a: u64, b: u64, dbl: bool, max: bool): u64 {
  if (isSNaN(a, dbl) || isSNaN(b, dbl)) raise(FLAG_NV);
  const nanA = isNaN(a, dbl);
  const nanB = isNaN(b, dbl);
  if (nanA && nanB) return canonicalNaN(dbl);
  if (nanA) return b;
  if (nanB) return a;
  return orderedLess(a, b, dbl) != max ? a : b;
}

/** feq: quiet, NV only for a signalling NaN. */
export function compareEq(a: u64, b: u64, dbl: bool): u32 {
  if (isNaN(a, dbl) || isNaN(b, dbl)) {
    if (isSNaN(a, dbl) || isSNaN(b, dbl)) raise(FLAG_NV);
    return 0;
  }
  return a == b || (isZero(a, dbl) && isZero(b, dbl)) ? 1 : 0;
}

/** flt (orEqual = false) / fle (orEqual = true): signalling, NV for any NaN. */
export function compareLess(a: u64, b: u64, dbl: bool, orEqual: bool): u32 {
  if (isNaN(a, dbl) || isNaN(b, dbl)) {
    raise(FLAG_NV);
    return 0;
  }
  if (isZero(a, dbl) && isZero(b, dbl)) return orEqual ? 1 : 0;
  if (a == b) return orEqual ? 1 : 0;
  return orderedLess(a, b, dbl) ? 1 : 0;
}

/** The RISC-V fclass mask: one bit among ten. */
export function classify(a: u64, dbl: bool): u32 {
  const neg = isNeg(a, dbl);
  if (isNaN(a, dbl)) return isSNaN(a, dbl) ? 1 << 8 : 1 << 9;
  if (isInf(a, dbl)) return neg ? 1 << 0 : 1 << 7;
  if (isZero(a, dbl)) return neg ? 1 << 3 : 1 << 4;
  if (biasedExp(a, dbl) == 0) return neg ? 1 << 2 : 1 << 5;
  return neg ? 1 << 1 : 1 << 6;
}

