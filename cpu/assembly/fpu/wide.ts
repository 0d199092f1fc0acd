// 128-bit unsigned helpers on (hi, lo) u64 pairs: the low half is returned, the high half is
// left in `wideHi` (AssemblyScript has no tuples, and this keeps the hot path allocation-free).

export let wideHi: u64 = 0;

/** Full 64x64 -> 128-bit product. */
export function mul128(a: u64, b: u64): u64 {
  const m32: u64 = 0xffff_ffff;
  const a0 = a & m32;
  const a1 = a >> 32;
  const b0 = b & m32;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & m32) + (p10 & m32);
  wideHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & m32);
}

/** (hi, lo) << n for 0 <= n < 128. */
export function shl128(hi: u64, lo: u64, n: i32): u64 {
  if (n == 0) {
    wideHi = hi;
    return lo;
  }
  if (n >= 64) {
    wideHi = lo << <u64>(n - 64);
    return 0;
  }
  wideHi = (hi << <u64>n) | (lo >> <u64>(64 - n));
  return lo << <u64>n;
}

/** (hi, lo) >> n with every discarded bit ORed into bit 0 (n >= 0). */
export function shr128Sticky(hi: u64, lo: u64, n: i32): u64 {
  if (n == 0) {
    wideHi = hi;
    return lo;
  }
  if (n >= 128) {
    wideHi = 0;
    return (hi | lo) != 0 ? 1 : 0;
  }
  if (n >= 64) {
    const s = n - 64;
    const lost = s == 0 ? lo : lo | (hi << <u64>(64 - s));
    wideHi = 0;
    return (hi >> <u64>s) | (lost != 0 ? 1 : 0);
  }
  const lost = lo << <u64>(64 - n);
  wideHi = hi >> <u64>n;
  return (lo >> <u64>n) | (hi << <u64>(64 - n)) | (lost != 0 ? 1 : 0);
}

// @ts-ignore: decorator
@inline
export function clz128(hi: u64, lo: u64): i32 {
  return hi != 0 ? <i32>clz(hi) : 64 + <i32>clz(lo);
}

/** Unsigned comparison: -1, 0 or 1. */
export function cmp128(ahi: u64, alo: u64, bhi: u64, blo: u64): i32 {
  if (ahi != bhi) return ahi < bhi ? -1 : 1;
  if (alo != blo) return alo < blo ? -1 : 1;
  return 0;
}

export function add128(ahi: u64, alo: u64, bhi: u64, blo: u64): u64 {
  const lo = alo + blo;
  wideHi = ahi + bhi + (lo < alo ? 1 : 0);
  return lo;
}

/** a - b, requires a >= b. */
export function sub128(ahi: u64, alo: u64, bhi: u64, blo: u64): u64 {
  wideHi = ahi - bhi - (alo < blo ? 1 : 0);
  return alo - blo;
}

/** Exponent shift written by `collapse128`. */
export let collapsedShift: i32 = 0;

/**
 * Narrows (hi, lo) to 64 bits keeping the leading bits, with discarded bits jammed into bit 0;
 * the value is the result * 2^collapsedShift.
 */
export function collapse128(hi: u64, lo: u64): u64 {
  if (hi == 0) {
    collapsedShift = 0;
    return lo;
  }
  const lz = <i32>clz(hi);
  collapsedShift = 64 - lz;
  if (lz == 0) return hi | (lo != 0 ? 1 : 0);
  const lost = lo << <u64>lz;
  return (hi << <u64>lz) | (lo >> <u64>(64 - lz)) | (lost != 0 ? 1 : 0);
}
