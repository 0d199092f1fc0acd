// M extension helpers: 64x64 high products and division with RISC-V's no-trap rules.

@inline export function mulhu(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff;
  const aHi = a >> 32;
  const bLo = b & 0xffffffff;
  const bHi = b >> 32;
  const p0 = aLo * bLo;
  const p1 = aLo * bHi;
  const p2 = aHi * bLo;
  const p3 = aHi * bHi;
  const mid = (p0 >> 32) + (p1 & 0xffffffff) + (p2 & 0xffffffff);
  return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

@inline export function mulh(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  if (<i64>b < 0) hi -= a;
  return hi;
}

@inline export function mulhsu(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  return hi;
}

@inline export function div(a: u64, b: u64): u64 {
  if (b == 0) return <u64>-1;
  if (a == 0x8000000000000000 && b == <u64>-1) return a;
  return <u64>(<i64>a / <i64>b);
}

@inline export function divu(a: u64, b: u64): u64 {
  return b == 0 ? <u64>-1 : a / b;
}

@inline export function rem(a: u64, b: u64): u64 {
  if (b == 0) return a;
  if (a == 0x8000000000000000 && b == <u64>-1) return 0;
  return <u64>(<i64>a % <i64>b);
}

@inline export function remu(a: u64, b: u64): u64 {
  return b == 0 ? a : a % b;
}

@inline export function sext32(v: u64): u64 {
  return <u64>(<i64>(<i32>v));
}

@inline export function divw(a: u64, b: u64): u64 {
  const x = <i32>a;
  const y = <i32>b;
  if (y == 0) return <u64>-1;
  if (x == i32.MIN_VALUE && y == -1) return sext32(<u64>x);
  return <u64>(<i64>(x / y));
}

@inline export function divuw(a: u64, b: u64): u64 {
  const x = <u32>a;
  const y = <u32>b;
  return y == 0 ? <u64>-1 : sext32(<u64>(x / y));
}

@inline export function remw(a: u64, b: u64): u64 {
  const x = <i32>a;
  const y = <i32>b;
  if (y == 0) return sext32(<u64>x);
  if (x == i32.MIN_VALUE && y == -1) return 0;
  return <u64>(<i64>(x % y));
}

@inline export function remuw(a: u64, b: u64): u64 {
  const x = <u32>a;
  const y = <u32>b;
  return y == 0 ? sext32(<u64>x) : sext32(<u64>(x % y));
}
