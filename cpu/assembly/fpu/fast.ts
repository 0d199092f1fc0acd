// Native fast paths. WASM's f32/f64 arithmetic is IEEE round-to-nearest-even; each path here
// recovers the exact error (TwoSum, odd-part products, an integer remainder) to decide NX and
// the directed modes, and hands anything it cannot decide (specials, zero results, subnormal
// or overflowing results) to the exact integer paths in soft-arith.ts.

import { FLAG_NX, FLAG_OF, RM_RDN, RM_RNE, RM_RTZ, RM_RUP, raise } from './flags';
import { unpackSig, unpackedExp } from './format';
import { doubleToSingle } from './convert';
import { softAdd, softDiv, softMul } from './soft-arith';
import { softFma } from './soft-fma';
import { cmp128, mul128, shl128, sub128, wideHi } from './wide';

const F64_INF: u64 = 0x7ff0_0000_0000_0000;
const F32_INF: u32 = 0x7f80_0000;

// @ts-ignore: decorator
@inline
function finite64(a: u64): bool {
  return (a & F64_INF) != F64_INF;
}

// @ts-ignore: decorator
@inline
function finite32(a: u64): bool {
  return (<u32>a & F32_INF) != F32_INF;
}

// @ts-ignore: decorator
@inline
function exp64(bits: u64): i32 {
  return <i32>((bits >> 52) & 0x7ff);
}

/**
 * Given r = RNE(x + y) and the exact error err = (x + y) - r (non-zero), returns the result
 * for `rm`; r must be a normal number far enough from the extremes that one ulp step neither
 * overflows nor leaves the normal range.
 */
function adjustDirected(r: f64, err: f64, rm: u32): u64 {
  const rb = reinterpret<u64>(r);
  const negR = r < 0;
  const errNeg = err < 0;
  // rb + 1 grows the magnitude, rb - 1 shrinks it.
  if (rm == RM_RNE) return rb;
  if (rm == RM_RTZ) return errNeg != negR ? rb - 1 : rb;
  if (rm == RM_RDN) return errNeg ? (negR ? rb + 1 : rb - 1) : rb;
  if (rm == RM_RUP) return errNeg ? rb : negR ? rb - 1 : rb + 1;
  // RMM differs from RNE only on an exact tie that RNE resolved towards zero.
  if (errNeg != negR) return rb;
  const halfUlp = reinterpret<f64>(<u64>(exp64(rb) - 53) << 52);
  return Math.abs(err) == halfUlp ? rb + 1 : rb;
}

/**
 * Round-to-odd of r + err onto 53 bits: any later rounding of it to 24 bits, in any mode, equals
 * the correct rounding of the exact r + err.
 */
// @ts-ignore: decorator
@inline
function roundToOdd(r: f64, err: f64): f64 {
  const rb = reinterpret<u64>(r);
  if (err == 0 || (rb & 1) != 0) return r;
  return reinterpret<f64>((err > 0) != (r < 0) ? rb + 1 : rb - 1);
}

/** Narrows a double holding a round-to-odd (or exact) value to single, any mode. */
function narrow(v: f64, rm: u32): u64 {
  if (rm == RM_RNE) {
    const f = <f32>v;
    const fb = reinterpret<u32>(f);
    const e = (fb >> 23) & 0xff;
    if (e >= 2 && e < 0xff) {
      if (<f64>f != v) raise(FLAG_NX);
      return fb;
    }
    if (e == 0xff) {
      raise(FLAG_OF | FLAG_NX);
      return fb;
    }
  }
  return doubleToSingle(reinterpret<u64>(v), rm);
}

export function fastAdd(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (dbl) {
    if (!finite64(a) || !finite64(b)) return softAdd(a, b, true, rm);
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    const r = x + y;
    const e = exp64(reinterpret<u64>(r));
    if (e < 64 || e > 2045) return softAdd(a, b, true, rm);
    // TwoSum: err is the exact rounding error of x + y.
    const bb = r - x;
    const err = x - (r - bb) + (y - bb);
    if (err == 0) return reinterpret<u64>(r);
    raise(FLAG_NX);
    return adjustDirected(r, err, rm);
  }
  if (!finite32(a) || !finite32(b)) return softAdd(a, b, false, rm);
  const x = <f64>reinterpret<f32>(<u32>a);
  const y = <f64>reinterpret<f32>(<u32>b);
  const r = x + y;
  if (r == 0) return softAdd(a, b, false, rm);
  const bb = r - x;
  const err = x - (r - bb) + (y - bb);
  return narrow(roundToOdd(r, err), rm);
}

export function fastMul(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (!dbl) {
    if (!finite32(a) || !finite32(b)) return softMul(a, b, false, rm);
    // A 24x24-bit product is exact in binary64.
    return narrow(<f64>reinterpret<f32>(<u32>a) * <f64>reinterpret<f32>(<u32>b), rm);
  }
  if (!finite64(a) || !finite64(b)) return softMul(a, b, true, rm);
  const r = reinterpret<f64>(a) * reinterpret<f64>(b);
  const rb = reinterpret<u64>(r);
  const e = exp64(rb);
  if (rm == RM_RNE) {
    if (e == 0x7ff) {
      raise(FLAG_OF | FLAG_NX);
      return rb;
    }
    if (e < 2) return softMul(a, b, true, rm);
    // Exact iff the product of the odd parts of the significands fits in 53 bits.
    let oa = unpackSig(a, true);
    let ob = unpackSig(b, true);
    oa >>= ctz(oa);
    ob >>= ctz(ob);
    const len = 128 - <i32>clz(oa) - <i32>clz(ob);
    if (len > 54 || (len == 54 && oa * ob >= <u64>1 << 53)) raise(FLAG_NX);
    return rb;
  }
  if (e < 2 || e > 0x7fd) return softMul(a, b, true, rm);
  // Directed modes: compare the exact product ma*mb with r's significand scaled to it.
  const ma = unpackSig(a, true);
  const ea = unpackedExp;
  const mb = unpackSig(b, true);
  const eb = unpackedExp;
  const mr = unpackSig(rb, true);
  const d = unpackedExp - ea - eb; // r ~ ma*mb, so mr << d ~ ma*mb: d is 52 or 53
  const pLo = mul128(ma, mb);
  const pHi = wideHi;
  const rLo = shl128(0, mr, d);
  const rHi = wideHi;
  const order = cmp128(pHi, pLo, rHi, rLo);
  if (order == 0) return rb;
  raise(FLAG_NX);
  const magUp = order > 0; // the exact product is larger in magnitude than r
  const neg = (rb >> 63) != 0;
  if (rm == RM_RTZ) return magUp ? rb : rb - 1;
  if (rm == RM_RDN) return neg ? (magUp ? rb + 1 : rb) : magUp ? rb : rb - 1;
  if (rm == RM_RUP) return neg ? (magUp ? rb : rb - 1) : magUp ? rb + 1 : rb;
  // RMM: only an exact tie that RNE resolved towards zero moves (half an ulp is 2^(d-1) here).
  if (!magUp || d < 1) return rb;
  const diffLo = sub128(pHi, pLo, rHi, rLo);
  const diffHi = wideHi;
  const halfLo = shl128(0, 1, d - 1);
  return cmp128(diffHi, diffLo, wideHi, halfLo) == 0 ? rb + 1 : rb;
}

export function fastDiv(a: u64, b: u64, dbl: bool, rm: u32): u64 {
  if (!dbl) {
    if (rm != RM_RNE || !finite32(a) || !finite32(b)) return softDiv(a, b, false, rm);
    // binary64 has more than 2*24+2 bits, so RNE twice is still correctly rounded, and a
    // quotient of singles that is not a single lies too far from one to round to it in double.
    const q = <f64>reinterpret<f32>(<u32>a) / <f64>reinterpret<f32>(<u32>b);
    const f = <f32>q;
    const fb = reinterpret<u32>(f);
    const e = (fb >> 23) & 0xff;
    if (e < 2 || e == 0xff) return softDiv(a, b, false, rm);
    if (<f64>f != q) raise(FLAG_NX);
    return fb;
  }
  if (!finite64(a) || !finite64(b)) return softDiv(a, b, true, rm);
  const q = reinterpret<f64>(a) / reinterpret<f64>(b);
  const qb = reinterpret<u64>(q);
  const e = exp64(qb);
  if (e < 2 || e > 0x7fd) return softDiv(a, b, true, rm);
  // Sign of the remainder |x| - |q*y|, exactly: compare mx * 2^d with mq * my (<= 106 bits).
  const mq = unpackSig(qb, true);
  const eq = unpackedExp;
  const my = unpackSig(b, true);
  const ey = unpackedExp;
  const mx = unpackSig(a, true);
  const d = unpackedExp - eq - ey;
  const pLo = mul128(mq, my);
  const pHi = wideHi;
  const xLo = shl128(0, mx, d);
  const order = cmp128(wideHi, xLo, pHi, pLo);
  if (order == 0) return qb;
  raise(FLAG_NX);
  // No ties in the normal range, so RNE and RMM keep q. qb + 1 grows the magnitude.
  const magUp = order > 0; // the true quotient is larger in magnitude than q
  const neg = (qb >> 63) != 0;
  if (rm == RM_RTZ) return magUp ? qb : qb - 1;
  if (rm == RM_RDN) return neg ? (magUp ? qb + 1 : qb) : magUp ? qb : qb - 1;
  if (rm == RM_RUP) return neg ? (magUp ? qb : qb - 1) : magUp ? qb + 1 : qb;
  return qb;
}

/** Single-precision FMA: the product is exact in double, so one TwoSum makes it exact. */
export function fastFma32(a: u64, b: u64, c: u64, rm: u32): u64 {
  if (!finite32(a) || !finite32(b) || !finite32(c)) return softFma(a, b, c, false, rm);
  const p = <f64>reinterpret<f32>(<u32>a) * <f64>reinterpret<f32>(<u32>b);
  const z = <f64>reinterpret<f32>(<u32>c);
  const r = p + z;
  if (r == 0 || p == 0) return softFma(a, b, c, false, rm);
  const bb = r - p;
  const err = p - (r - bb) + (z - bb);
  return narrow(roundToOdd(r, err), rm);
}

/**
 * Double-precision FMA, round-to-nearest: Boldo & Melquiond's emulation with rounding to odd
 * (exact product by Veltkamp/Dekker splitting, two TwoSums, one odd-rounded addition, one final
 * RN addition). Valid without overflow or underflow anywhere, which the exponent window below
 * guarantees; everything else takes the 128-bit path.
 */
export function fastFma64(a: u64, b: u64, c: u64, rm: u32): u64 {
  const ea = exp64(a) - 1023;
  const eb = exp64(b) - 1023;
  const ec = exp64(c) - 1023;
  if (
    rm != RM_RNE ||
    ea < -960 ||
    ea > 960 ||
    eb < -960 ||
    eb > 960 ||
    ea + eb < -900 ||
    ea + eb > 900 ||
    ec < -900 ||
    ec > 900
  ) {
    return softFma(a, b, c, true, rm);
  }
  const x = reinterpret<f64>(a);
  const y = reinterpret<f64>(b);
  const z = reinterpret<f64>(c);
  // Exact product p + e.
  const p = x * y;
  const split: f64 = 134217729.0; // 2^27 + 1
  let t = split * x;
  const xh = t - (t - x);
  const xl = x - xh;
  t = split * y;
  const yh = t - (t - y);
  const yl = y - yh;
  const e = xh * yh - p + xh * yl + xl * yh + xl * yl;
  // th + tl = z + e, vh + vl = p + th, all exact.
  const th = z + e;
  let bb = th - z;
  const tl = z - (th - bb) + (e - bb);
  const vh = p + th;
  bb = vh - p;
  const vl = p - (vh - bb) + (th - bb);
  // w = RO(vl + tl)
  const sum = vl + tl;
  bb = sum - vl;
  const sumErr = vl - (sum - bb) + (tl - bb);
  const w = roundToOdd(sum, sumErr);
  const r = vh + w;
  bb = r - vh;
  const rErr = vh - (r - bb) + (w - bb);
  if (r == 0) return 0; // an exact zero sum of non-zero terms is +0 when rounding to nearest
  if (sumErr != 0 || rErr != 0) raise(FLAG_NX);
  return reinterpret<u64>(r);
}
