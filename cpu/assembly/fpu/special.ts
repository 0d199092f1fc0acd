// Results shared by the special-operand paths of every operation.

import { FLAG_NV, RM_RDN, raise } from './flags';
import { canonicalNaN, isSNaN, signBit } from './format';

/** Canonical NaN for an operation with a NaN operand; NV if either operand signals. */
export function propagateNaN(a: u64, b: u64, dbl: bool): u64 {
  if (isSNaN(a, dbl) || isSNaN(b, dbl)) raise(FLAG_NV);
  return canonicalNaN(dbl);
}

/** Canonical NaN for an invalid operation (inf - inf, 0 * inf, sqrt(-1), ...). */
export function invalid(dbl: bool): u64 {
  raise(FLAG_NV);
  return canonicalNaN(dbl);
}

/** An exact zero sum of operands with opposite signs: -0 only when rounding down. */
export function exactZeroSum(dbl: bool, rm: u32): u64 {
  return rm == RM_RDN ? signBit(dbl) : 0;
}
