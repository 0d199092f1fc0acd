// WebAssembly opcodes and type codes (WebAssembly core spec 2.0 + threads proposal) — only the
// ones the JIT needs. Memory and atomic ops carry their natural alignment (log2 of the size).

export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Block type of a structured instruction: no result, or one value. */
export type BlockType = 'void' | ValType;
export const EMPTY_BLOCK = 0x40;
export const FUNCREF = 0x70;
export const FUNC_TYPE = 0x60;

/** Single-byte opcodes without immediates. */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  else: 0x05,
  end: 0x0b,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  i32_clz: 0x67,
  i32_ctz: 0x68,
  i32_popcnt: 0x69,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i32_rotr: 0x78,
  i64_clz: 0x79,
  i64_ctz: 0x7a,
  i64_popcnt: 0x7b,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i64_rotl: 0x89,
  i64_rotr: 0x8a,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i32_extend8_s: 0xc0,
  i32_extend16_s: 0xc1,
  i64_extend8_s: 0xc2,
  i64_extend16_s: 0xc3,
  i64_extend32_s: 0xc4,
  f32_sqrt: 0x91,
  f32_add: 0x92,
  f32_sub: 0x93,
  f32_mul: 0x94,
  f32_div: 0x95,
  f64_eq: 0x61,
  f64_sqrt: 0x9f,
  f64_add: 0xa0,
  f64_sub: 0xa1,
  f64_mul: 0xa2,
  f64_div: 0xa3,
  i32_reinterpret_f32: 0xbc,
  i64_reinterpret_f64: 0xbd,
  f32_reinterpret_i32: 0xbe,
  f64_reinterpret_i64: 0xbf,
} as const;

/** A memory access opcode with its natural alignment (log2 bytes). */
export interface MemOp {
  readonly code: number;
  readonly align: number;
}
const m = (code: number, align: number): MemOp => ({ code, align });

export const Mem = {
  i32_load: m(0x28, 2),
  i64_load: m(0x29, 3),
  i32_load8_s: m(0x2c, 0),
  i32_load8_u: m(0x2d, 0),
  i32_load16_s: m(0x2e, 1),
  i32_load16_u: m(0x2f, 1),
  i64_load8_s: m(0x30, 0),
  i64_load8_u: m(0x31, 0),
  i64_load16_s: m(0x32, 1),
  i64_load16_u: m(0x33, 1),
  i64_load32_s: m(0x34, 2),
  i64_load32_u: m(0x35, 2),
  i32_store: m(0x36, 2),
  i64_store: m(0x37, 3),
  i32_store8: m(0x3a, 0),
  i32_store16: m(0x3b, 1),
  i64_store8: m(0x3c, 0),
  i64_store16: m(0x3d, 1),
  i64_store32: m(0x3e, 2),
} as const;

/** Threads-proposal atomics (prefix 0xFE); alignment must be exactly the natural one. */
export const ATOMIC_PREFIX = 0xfe;
export const Atomic = {
  notify: m(0x00, 2),
  i32_wait: m(0x01, 2),
  i64_wait: m(0x02, 3),
  i32_load: m(0x10, 2),
  i64_load: m(0x11, 3),
  i32_store: m(0x17, 2),
  i64_store: m(0x18, 3),
  i32_rmw_add: m(0x1e, 2),
  i64_rmw_add: m(0x1f, 3),
  i32_rmw_sub: m(0x25, 2),
  i64_rmw_sub: m(0x26, 3),
  i32_rmw_and: m(0x2c, 2),
  i64_rmw_and: m(0x2d, 3),
  i32_rmw_or: m(0x33, 2),
  i64_rmw_or: m(0x34, 3),
  i32_rmw_xor: m(0x3a, 2),
  i64_rmw_xor: m(0x3b, 3),
  i32_rmw_xchg: m(0x41, 2),
  i64_rmw_xchg: m(0x42, 3),
  i32_rmw_cmpxchg: m(0x48, 2),
  i64_rmw_cmpxchg: m(0x49, 3),
} as const;
/** atomic.fence (prefix 0xFE, opcode 0x03, one zero byte). */
export const ATOMIC_FENCE = 0x03;
