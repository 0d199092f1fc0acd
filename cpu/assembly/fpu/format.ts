// Field layout of the two IEEE binary formats, handled generically on u64 bit patterns
// (a single's pattern sits in the low 32 bits). `dbl` selects binary64 over binary32.

// @ts-ignore: decorator
@inline
export function precision(dbl: bool): i32 {
  return dbl ? 53 : 24;
}

// @ts-ignore: decorator
@inline
export function bias(dbl: bool): i32 {
  return dbl ? 1023 : 127;
}

// @ts-ignore: decorator
@inline
export function expMask(dbl: bool): u64 {
  return dbl ? 0x7ff : 0xff;
}

// @ts-ignore: decorator
@inline
export function fracMask(dbl: bool): u64 {
  return dbl ? 0x000f_ffff_ffff_ffff : 0x007f_ffff;
}

// @ts-ignore: decorator
@inline
export function signBit(dbl: bool): u64 {
  return dbl ? 0x8000_0000_0000_0000 : 0x8000_0000;
}

// @ts-ignore: decorator
@inline
export function canonicalNaN(dbl: bool): u64 {
  return dbl ? 0x7ff8_0000_0000_0000 : 0x7fc0_0000;
}

// @ts-ignore: decorator
@inline
export function infinity(dbl: bool): u64 {
  return dbl ? 0x7ff0_0000_0000_0000 : 0x7f80_0000;
}

// @ts-ignore: decorator
@inline
export function maxFinite(dbl: bool): u64 {
  return dbl ? 0x7fef_ffff_ffff_ffff : 0x7f7f_ffff;
}

// @ts-ignore: decorator
@inline
export function biasedExp(bits: u64, dbl: bool): i32 {
  return <i32>((bits >> <u64>(precision(dbl) - 1)) & expMask(dbl));
}

// @ts-ignore: decorator
@inline
export function isNeg(bits: u64, dbl: bool): bool {
  return (bits & signBit(dbl)) != 0;
}

// @ts-ignore: decorator
@inline
export function isNaN(bits: u64, dbl: bool): bool {
  return (bits & ~signBit(dbl)) > infinity(dbl);
}

/** Signalling NaN: NaN whose most significant fraction bit is clear. */
// @ts-ignore: decorator
@inline
export function isSNaN(bits: u64, dbl: bool): bool {
  return isNaN(bits, dbl) && (bits & (<u64>1 << <u64>(precision(dbl) - 2))) == 0;
}

// @ts-ignore: decorator
@inline
export function isInf(bits: u64, dbl: bool): bool {
  return (bits & ~signBit(dbl)) == infinity(dbl);
}

// @ts-ignore: decorator
@inline
export function isZero(bits: u64, dbl: bool): bool {
  return (bits & ~signBit(dbl)) == 0;
}

/** Infinity or NaN. */
// @ts-ignore: decorator
@inline
export function isSpecial(bits: u64, dbl: bool): bool {
  return (bits & infinity(dbl)) == infinity(dbl);
}

/** Exponent written by `unpackSig`: the value is sig * 2^unpackedExp. */
export let unpackedExp: i32 = 0;

/** Integer significand of a finite value (implicit bit added for normals). */
export function unpackSig(bits: u64, dbl: bool): u64 {
  const p = precision(dbl);
  const be = biasedExp(bits, dbl);
  const frac = bits & fracMask(dbl);
  if (be == 0) {
    unpackedExp = 1 - bias(dbl) - (p - 1);
    return frac;
  }
  unpackedExp = be - bias(dbl) - (p - 1);
  return frac | (<u64>1 << <u64>(p - 1));
}
