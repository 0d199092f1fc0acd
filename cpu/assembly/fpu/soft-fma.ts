// Fused multiply-add a*b + c with a single rounding: the exact product (up to 106 bits) and the
// addend are aligned and summed in 128-bit arithmetic, then rounded once.

import { FLAG_NV, raise } from './flags';
import {
  infinity,
  isInf,
  isNaN,
  isNeg,
  isSNaN,
  isZero,
  canonicalNaN,
  signBit,
  unpackSig,
  unpackedExp,
} from './format';
import { roundPack } from './round';
import { exactZeroSum, invalid } from './special';
import { softMul } from './soft-arith';
import {
  add128,
  clz128,
  cmp128,
  collapse128,
  collapsedShift,
  mul128,
  shl128,
  shr128Sticky,
  sub128,
  wideHi,
} from './wide';

/** Leading bit position both 128-bit operands are normalized to (two bits of headroom). */
const LEAD: i32 = 125;

export function softFma(a: u64, b: u64, c: u64, dbl: bool, rm: u32): u64 {
  const infTimesZero =
    (isInf(a, dbl) && isZero(b, dbl)) || (isZero(a, dbl) && isInf(b, dbl));
  if (isNaN(a, dbl) || isNaN(b, dbl) || isNaN(c, dbl)) {
    // RISC-V: inf * 0 is invalid even when the addend is a quiet NaN.
    if (infTimesZero || isSNaN(a, dbl) || isSNaN(b, dbl) || isSNaN(c, dbl)) raise(FLAG_NV);
    return canonicalNaN(dbl);
  }
  if (infTimesZero) return invalid(dbl);
  const negP = isNeg(a, dbl) != isNeg(b, dbl);
  const negC = isNeg(c, dbl);
  if (isInf(a, dbl) || isInf(b, dbl)) {
    if (isInf(c, dbl) && negC != negP) return invalid(dbl);
    return (negP ? signBit(dbl) : 0) | infinity(dbl);
  }
  if (isInf(c, dbl)) return c;
  if (isZero(a, dbl) || isZero(b, dbl)) {
    if (isZero(c, dbl)) return negP == negC ? c : exactZeroSum(dbl, rm);
    return c;
  }
  // A non-zero product plus a zero is just the product, rounded once.
  if (isZero(c, dbl)) return softMul(a, b, dbl, rm);

  const ma = unpackSig(a, dbl);
  const ea = unpackedExp;
  const mb = unpackSig(b, dbl);
  const eb = unpackedExp;
  const mc = unpackSig(c, dbl);
  let ec = unpackedExp;

  // Product, normalized so its leading bit is at LEAD.
  let plo = mul128(ma, mb);
  let phi = wideHi;
  const ps = clz128(phi, plo) - (127 - LEAD);
  plo = shl128(phi, plo, ps);
  phi = wideHi;
  let ep = ea + eb - ps;
  // Addend, normalized the same way.
  const cs = LEAD - (63 - <i32>clz(mc));
  let clo = shl128(0, mc, cs);
  let chi = wideHi;
  ec -= cs;

  // Make X the larger magnitude, then align Y to it with sticky.
  let neg = negP;
  if (ep < ec || (ep == ec && cmp128(phi, plo, chi, clo) < 0)) {
    const th = phi;
    phi = chi;
    chi = th;
    const tl = plo;
    plo = clo;
    clo = tl;
    const te = ep;
    ep = ec;
    ec = te;
    neg = negC;
  }
  clo = shr128Sticky(chi, clo, ep - ec);
  chi = wideHi;
  let lo: u64;
  if (negP == negC) {
    lo = add128(phi, plo, chi, clo);
  } else {
    lo = sub128(phi, plo, chi, clo);
  }
  const hi = wideHi;
  if (hi == 0 && lo == 0) return exactZeroSum(dbl, rm);
  const sig = collapse128(hi, lo);
  return roundPack(neg, ep + collapsedShift, sig, dbl, rm);
}
