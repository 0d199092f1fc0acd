// Test-only exports (compiled only by cpu/fpu-tests/build.ts): the exact integer paths, so the
// tests can check the native fast paths against them on many random operands.

import { softAdd, softDiv, softMul } from './soft-arith';
import { softFma } from './soft-fma';
import { floatToInt } from './convert';

export function soft_f32_add(a: u32, b: u32, rm: u32): u32 {
  return <u32>softAdd(a, b, false, rm);
}
export function soft_f32_mul(a: u32, b: u32, rm: u32): u32 {
  return <u32>softMul(a, b, false, rm);
}
export function soft_f32_div(a: u32, b: u32, rm: u32): u32 {
  return <u32>softDiv(a, b, false, rm);
}
export function soft_f64_add(a: u64, b: u64, rm: u32): u64 {
  return softAdd(a, b, true, rm);
}
export function soft_f64_mul(a: u64, b: u64, rm: u32): u64 {
  return softMul(a, b, true, rm);
}
export function soft_f64_div(a: u64, b: u64, rm: u32): u64 {
  return softDiv(a, b, true, rm);
}
export function soft_f32_fma(a: u32, b: u32, c: u32, rm: u32): u32 {
  return <u32>softFma(a, b, c, false, rm);
}
/** The exact float -> integer path (double = 1 for a binary64 operand, signed = 1, bits 32/64). */
export function soft_to_int(a: u64, double: i32, rm: u32, signed: i32, bits: i32): i64 {
  return floatToInt(a, double != 0, rm, signed != 0, bits);
}
export function soft_f64_fma(a: u64, b: u64, c: u64, rm: u32): u64 {
  return softFma(a, b, c, true, rm);
}

// ---- micro-benchmark driver: the loop runs inside WASM so call overhead from JS is excluded ----

import {
  f32_add,
  f32_div,
  f32_fma,
  f32_mul,
  f32_sqrt,
  f64_add,
  f64_div,
  f64_fma,
  f64_mul,
  f64_sqrt,
  f64_to_i64,
  f64_to_i32,
  i64_to_f64,
} from './index';

/**
 * Runs operation `op` n times on pseudo-random operands in [1, 2) (and varied signs) with mode
 * rm; returns an XOR of the results so nothing is optimized away. op 13 is the native f64 add.
 */
export function bench_run(op: i32, n: i32, rm: u32): u64 {
  let seed: u64 = 0x9e37_79b9_7f4a_7c15;
  let acc: u64 = 0;
  for (let i = 0; i < n; i++) {
    seed = seed * 6364136223846793005 + 1442695040888963407;
    const a: u64 = 0x3ff0_0000_0000_0000 | (seed >> 12);
    const b: u64 = 0x3ff0_0000_0000_0000 | ((seed << 20) >> 12) | (seed & 0x8000_0000_0000_0000);
    const a32 = <u32>(0x3f80_0000 | <u32>(seed >> 41));
    const b32 = <u32>(0x3f80_0000 | (<u32>seed & 0x7f_ffff)) | (<u32>(seed >> 32) & 0x8000_0000);
    let r: u64 = 0;
    switch (op) {
      case 0: r = f64_add(a, b, rm); break;
      case 1: r = f64_mul(a, b, rm); break;
      case 2: r = f64_div(a, b, rm); break;
      case 3: r = f64_sqrt(a, rm); break;
      case 4: r = f64_fma(a, b, a, rm); break;
      case 5: r = f32_add(a32, b32, rm); break;
      case 6: r = f32_mul(a32, b32, rm); break;
      case 7: r = f32_div(a32, b32, rm); break;
      case 8: r = f32_sqrt(a32, rm); break;
      case 9: r = f32_fma(a32, b32, a32, rm); break;
      case 10: r = <u64>f64_to_i64(reinterpret<u64>(reinterpret<f64>(b) * 1e6), rm); break;
      case 11: r = <u64>f64_to_i32(reinterpret<u64>(reinterpret<f64>(b) * 1e6), rm); break;
      case 12: r = i64_to_f64(<i64>seed, rm); break;
      default: r = reinterpret<u64>(reinterpret<f64>(a) + reinterpret<f64>(b));
    }
    acc ^= r;
  }
  return acc;
}
