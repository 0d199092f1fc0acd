// Exact integer-significand add, multiply and divide: correct in every rounding mode, used
// directly for directed modes and whenever a native fast path cannot decide.

import { FLAG_DZ, raise } from './flags';
import {
  infinity,
  isInf,
  isNaN,
  isNeg,
  isZero,
  precision,
  signBit,
  unpackSig,
  unpackedExp,
} from './format';
import { roundPack } from './round';
import { exactZeroSum, invalid, propagateNaN } from './special';
import { collapse128, collapsedShift, mul128, wideHi } from './wide';

/** a + b (a subtraction is an addition with b's sign flipped by the caller). */
export function softAdd(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (isNaN(a, dbl) || isNaN(b, dbl)) return propagateNaN(a, b, dbl);
  const negA = isNeg(a, dbl);
  const negB = isNeg(b, dbl);
  if (isInf(a, dbl)) {
    if (isInf(b, dbl) && negA != negB) return invalid(dbl);
    return a;
  }
  if (isInf(b, dbl)) return b;
  if (isZero(a, dbl)) {
    if (isZero(b, dbl)) return negA == negB ? a : exactZeroSum(dbl, rm);
    return b;
  }
  if (isZero(b, dbl)) return a;

  // Both finite and non-zero: align on 63-bit significands (one bit of headroom for a carry).
  let sa = unpackSig(a, dbl);
  let ea = unpackedExp;
  let sb = unpackSig(b, dbl);
  let eb = unpackedExp;
  const la = <i32>clz(sa) - 1;
  sa <<= <u64>la;
  ea -= la;
  const lb = <i32>clz(sb) - 1;
  sb <<= <u64>lb;
  eb -= lb;
  let neg = negA;
  if (ea < eb || (ea == eb && sa < sb)) {
    const ts = sa;
    sa = sb;
    sb = ts;
    const te = ea;
    ea = eb;
    eb = te;
    neg = negB;
  }
  const d = ea - eb;
  if (d >= 63) {
    sb = 1; // far below the rounding point: only its presence matters
  } else if (d > 0) {
    const lost = sb & ((<u64>1 << <u64>d) - 1);
    sb = (sb >> <u64>d) | (lost != 0 ? 1 : 0);
  }
  const sum = negA == negB ? sa + sb : sa - sb;
  if (sum == 0) return exactZeroSum(dbl, rm);
  return roundPack(neg, ea, sum, dbl, rm);
}

export function softMul(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (isNaN(a, dbl) || isNaN(b, dbl)) return propagateNaN(a, b, dbl);
  const neg = isNeg(a, dbl) != isNeg(b, dbl);
  const sign = neg ? signBit(dbl) : 0;
  if (isInf(a, dbl) || isInf(b, dbl)) {
    if (isZero(a, dbl) || isZero(b, dbl)) return invalid(dbl);
    return sign | infinity(dbl);
  }
  if (isZero(a, dbl) || isZero(b, dbl)) return sign;
  const sa = unpackSig(a, dbl);
  const ea = unpackedExp;
  const sb = unpackSig(b, dbl);
  const eb = unpackedExp;
  const lo = mul128(sa, sb);
  const sig = collapse128(wideHi, lo);
  return roundPack(neg, ea + eb + collapsedShift, sig, dbl, rm);
}

export function softDiv(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (isNaN(a, dbl) || isNaN(b, dbl)) return propagateNaN(a, b, dbl);
  const neg = isNeg(a, dbl) != isNeg(b, dbl);
  const sign = neg ? signBit(dbl) : 0;
  if (isInf(a, dbl)) {
    if (isInf(b, dbl)) return invalid(dbl);
    return sign | infinity(dbl);
  }
  if (isInf(b, dbl)) return sign;
  if (isZero(b, dbl)) {
    if (isZero(a, dbl)) return invalid(dbl);
    raise(FLAG_DZ);
    return sign | infinity(dbl);
  }
  if (isZero(a, dbl)) return sign;

  // Normalize both significands to [2^(p-1), 2^p) and make sa >= sb, so sa/sb is in [1, 2).
  const p = precision(dbl);
  let sa = unpackSig(a, dbl);
  let ea = unpackedExp;
  let sb = unpackSig(b, dbl);
  let eb = unpackedExp;
  const la = <i32>clz(sa) - (64 - p);
  sa <<= <u64>la;
  ea -= la;
  const lb = <i32>clz(sb) - (64 - p);
  sb <<= <u64>lb;
  eb -= lb;
  if (sa < sb) {
    sa <<= 1;
    ea--;
  }
  let q: u64;
  let r: u64;
  let fracBits: i32;
  if (dbl) {
    // Long division in 11-bit digits: r < sb < 2^53, so r << 11 still fits in 64 bits.
    q = 1;
    r = sa - sb;
    for (let i = 0; i < 5; i++) {
      r <<= 11;
      q = (q << 11) | (r / sb);
      r = r % sb;
    }
    fracBits = 55;
  } else {
    const n = sa << 39;
    q = n / sb;
    r = n % sb;
    fracBits = 39;
  }
  // The quotient has p+3 bits: a jammed remainder bit stays below the guard bits.
  return roundPack(neg, ea - eb - fracBits, q | (r != 0 ? 1 : 0), dbl, rm);
}
