/**
 * Deterministic operand generators for the FPU reference vectors: special values, random bit
 * patterns, and operands chosen to hit ties, cancellation, subnormals, overflow and the
 * saturation boundaries of the integer conversions.
 */

/** Seeded xorshift128+ generator (reproducible vector files). */
export class Rng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: bigint) {
    this.s0 = BigInt.asUintN(64, seed * 0x9e3779b97f4a7c15n + 1n);
    this.s1 = BigInt.asUintN(64, (seed ^ 0xdeadbeefn) * 0xbf58476d1ce4e5b9n + 7n);
  }
  u64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return BigInt.asUintN(64, this.s1 + y);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  bits(n: number): bigint {
    return n === 0 ? 0n : this.u64() >> BigInt(64 - n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
}

export interface Format {
  readonly width: 32 | 64;
  readonly p: number; // precision including the implicit bit
  readonly ebits: number;
  readonly bias: number;
}
export const F32: Format = { width: 32, p: 24, ebits: 8, bias: 127 };
export const F64: Format = { width: 64, p: 53, ebits: 11, bias: 1023 };

export function pack(f: Format, neg: boolean, biasedExp: number, frac: bigint): bigint {
  const fracBits = BigInt(f.p - 1);
  const sign = neg ? 1n << BigInt(f.width - 1) : 0n;
  return sign | (BigInt(biasedExp) << fracBits) | (frac & ((1n << fracBits) - 1n));
}

const specialsCache = new Map<Format, bigint[]>();

export function specials(f: Format): bigint[] {
  const cached = specialsCache.get(f);
  if (cached) return cached;
  const list = buildSpecials(f);
  specialsCache.set(f, list);
  return list;
}

function buildSpecials(f: Format): bigint[] {
  const maxE = (1 << f.ebits) - 1;
  const fb = f.p - 1;
  const all1 = (1n << BigInt(fb)) - 1n;
  const quietBit = 1n << BigInt(fb - 1);
  const base: bigint[] = [
    pack(f, false, 0, 0n), // zero
    pack(f, false, maxE, 0n), // inf
    pack(f, false, maxE, quietBit), // canonical qNaN
    pack(f, false, maxE, quietBit | 5n), // qNaN with payload
    pack(f, false, maxE, 1n), // sNaN
    pack(f, false, maxE, quietBit >> 1n), // sNaN
    pack(f, false, 0, 1n), // smallest subnormal
    pack(f, false, 0, all1), // largest subnormal
    pack(f, false, 0, quietBit), // mid subnormal
    pack(f, false, 1, 0n), // smallest normal
    pack(f, false, 1, 1n),
    pack(f, false, maxE - 1, all1), // largest finite
    pack(f, false, maxE - 1, 0n),
    pack(f, false, f.bias, 0n), // 1
    pack(f, false, f.bias, 1n), // 1 + ulp
    pack(f, false, f.bias - 1, all1), // 1 - ulp/2
    pack(f, false, f.bias, quietBit), // 1.5
    pack(f, false, f.bias + 1, 0n), // 2
    pack(f, false, f.bias - 1, 0n), // 0.5
    pack(f, false, f.bias + 1, quietBit), // 3
    pack(f, false, f.bias + fb, 0n), // 2^(p-1)
    pack(f, false, f.bias + fb + 1, 0n), // 2^p
    pack(f, false, f.bias + 31, 0n), // 2^31
    pack(f, false, f.bias + 32, 0n), // 2^32
    pack(f, false, f.bias + 63, 0n), // 2^63
    pack(f, false, f.bias + 64, 0n), // 2^64
  ];
  return base.flatMap((v) => [v, v | (1n << BigInt(f.width - 1))]);
}

/** A random operand of a randomly chosen kind. */
export function operand(rng: Rng, f: Format): bigint {
  const maxE = (1 << f.ebits) - 1;
  const fb = f.p - 1;
  const neg = rng.chance(0.5);
  const k = rng.int(100);
  if (k < 12) return rng.pick(specials(f));
  if (k < 27) return rng.bits(f.width);
  if (k < 52) return pack(f, neg, f.bias - 40 + rng.int(81), rng.bits(fb));
  if (k < 67) {
    // Few significant bits: exact results, exact ties.
    const n = 1 + rng.int(8);
    return pack(f, neg, f.bias - 20 + rng.int(41), rng.bits(n) << BigInt(fb - n));
  }
  if (k < 77) return pack(f, neg, rng.int(f.p + 4), rng.bits(fb)); // subnormal / tiny
  if (k < 87) return pack(f, neg, maxE - 1 - rng.int(f.p + 4), rng.bits(fb)); // huge
  // Runs of ones (carries through the whole significand).
  const ones = (1n << BigInt(fb)) - 1n;
  const shift = BigInt(rng.int(4));
  return pack(f, neg, f.bias - 10 + rng.int(21), (ones >> shift) << shift);
}

export function expOf(f: Format, v: bigint): number {
  return Number((v >> BigInt(f.p - 1)) & BigInt((1 << f.ebits) - 1));
}

/** Second operand of an addition: often close in exponent to the first (ties, cancellation). */
export function addPartner(rng: Rng, f: Format, a: bigint): bigint {
  const k = rng.int(10);
  const signBit = 1n << BigInt(f.width - 1);
  const e = expOf(f, a);
  const maxE = (1 << f.ebits) - 1;
  if (k < 4) return operand(rng, f);
  if (k === 4) return a ^ signBit; // x - x
  if (k === 5) return a ^ signBit ^ 1n; // near-cancellation
  const de = rng.int(f.p + 3);
  const eb = Math.max(0, Math.min(maxE - 1, e - de));
  const frac = rng.chance(0.5) ? rng.bits(f.p - 1) : 1n << BigInt(rng.int(f.p - 1));
  return pack(f, rng.chance(0.5), eb, frac);
}

/** Second factor chosen so the product or quotient lands near the subnormal or overflow edge. */
export function edgePartner(rng: Rng, f: Format, a: bigint, divide: boolean): bigint {
  const maxE = (1 << f.ebits) - 1;
  const e = expOf(f, a);
  const target = rng.chance(0.5) ? 1 - rng.int(f.p + 3) + 2 : maxE - 2 + rng.int(3);
  // product: e + eb - bias = target  |  quotient: e - eb + bias = target
  const eb = divide ? e + f.bias - target : target + f.bias - e;
  if (eb < 1 || eb >= maxE) return operand(rng, f);
  return pack(f, rng.chance(0.5), eb, rng.bits(f.p - 1));
}

/** Operands of a float->int conversion: near integers, halves and the saturation bounds. */
export function toIntOperand(rng: Rng, f: Format): bigint {
  const k = rng.int(10);
  if (k < 2) return operand(rng, f);
  const boundExp = rng.pick([0, 1, 2, 8, 24, 31, 32, 52, 53, 63, 64]);
  const neg = rng.chance(0.5);
  if (k < 6) {
    // bound +- a few ulps
    const base = pack(f, neg, f.bias + boundExp, 0n);
    const delta = BigInt(rng.int(5)) - 2n;
    return base + delta;
  }
  // small integers plus fractions (halfway cases in particular)
  const e = f.bias + rng.int(Math.min(f.p, 40));
  const fracBits = BigInt(f.p - 1);
  const frac = rng.chance(0.5) ? rng.bits(f.p - 1) : rng.bits(3) << (fracBits - 3n);
  return pack(f, neg, e - rng.int(3), frac);
}

/** Integer operands of an int->float conversion (as unsigned bit patterns of `width`). */
export function intOperand(rng: Rng, width: 32 | 64, f: Format): bigint {
  const k = rng.int(10);
  const mask = (1n << BigInt(width)) - 1n;
  if (k < 3) return rng.bits(width);
  if (k < 5) return rng.bits(1 + rng.int(width)) & mask;
  if (k < 6) return -rng.bits(1 + rng.int(width - 1)) & mask;
  // p+1 significant bits with chosen low bits: ties and near-ties when rounded to p bits
  const len = f.p + 1 + rng.int(Math.max(1, width - f.p - 1));
  const top = 1n << BigInt(len - 1);
  const low = BigInt(rng.pick([0, 1, 2, 3])) << BigInt(Math.max(0, len - f.p - 2));
  const v =
    (top | (rng.bits(Math.min(len - 1, f.p)) << BigInt(Math.max(0, len - 1 - f.p))) | low) & mask;
  return rng.chance(0.3) ? -v & mask : v;
}

const view = new DataView(new ArrayBuffer(8));

export function toNumber(f: Format, bits: bigint): number {
  if (f.width === 32) {
    view.setUint32(0, Number(bits));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

export function fromNumber(f: Format, x: number): bigint {
  if (f.width === 32) {
    view.setFloat32(0, x);
    return BigInt(view.getUint32(0));
  }
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

/** FMA operands; c is often close to -(a*b) (massive cancellation) or a scaled copy of it. */
export function fmaTriple(rng: Rng, f: Format): bigint[] {
  const a = operand(rng, f);
  const b = rng.chance(0.2) ? edgePartner(rng, f, a, false) : operand(rng, f);
  const k = rng.int(10);
  if (k < 4) return [a, b, operand(rng, f)];
  const mask = (1n << BigInt(f.width)) - 1n;
  const unit = 1n << BigInt(f.p - 1);
  let c = fromNumber(f, -(toNumber(f, a) * toNumber(f, b)));
  if (k < 8) c = (c + BigInt(rng.int(7)) - 3n) & mask;
  else c = (c + BigInt(rng.int(2 * f.p)) * unit - BigInt(f.p) * unit) & mask;
  return [a, b, rng.chance(0.3) ? c ^ (1n << BigInt(f.width - 1)) : c];
}
