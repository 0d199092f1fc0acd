// A tiny RV64 instruction encoder for tests (the encodings of the ISA manual's base formats).
// Returns instruction words as unsigned 32-bit numbers.

export const X = {
  zero: 0,
  ra: 1,
  sp: 2,
  gp: 3,
  tp: 4,
  t0: 5,
  t1: 6,
  t2: 7,
  s0: 8,
  s1: 9,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
  s2: 18,
  s3: 19,
  t3: 28,
  t4: 29,
  t5: 30,
  t6: 31,
} as const;

const u = (v: number): number => v >>> 0;

export function rType(
  op: number,
  f3: number,
  f7: number,
  rd: number,
  rs1: number,
  rs2: number,
): number {
  return u((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
}
export function iType(op: number, f3: number, rd: number, rs1: number, imm: number): number {
  return u(((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
}
export function sType(op: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return u(
    (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op,
  );
}
function bType(f3: number, rs1: number, rs2: number, off: number): number {
  return u(
    (((off >> 12) & 1) << 31) |
      (((off >> 5) & 63) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((off >> 1) & 15) << 8) |
      (((off >> 11) & 1) << 7) |
      0x63,
  );
}

export const addi = (rd: number, rs1: number, imm: number) => iType(0x13, 0, rd, rs1, imm);
export const addiw = (rd: number, rs1: number, imm: number) => iType(0x1b, 0, rd, rs1, imm);
export const andi = (rd: number, rs1: number, imm: number) => iType(0x13, 7, rd, rs1, imm);
export const ori = (rd: number, rs1: number, imm: number) => iType(0x13, 6, rd, rs1, imm);
export const slli = (rd: number, rs1: number, sh: number) => iType(0x13, 1, rd, rs1, sh);
export const srai = (rd: number, rs1: number, sh: number) => iType(0x13, 5, rd, rs1, 0x400 | sh);
export const lui = (rd: number, imm20: number) => u(((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37);
export const auipc = (rd: number, imm20: number) => u(((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17);
export const add = (rd: number, a: number, b: number) => rType(0x33, 0, 0, rd, a, b);
export const sub = (rd: number, a: number, b: number) => rType(0x33, 0, 0x20, rd, a, b);
export const sra = (rd: number, a: number, b: number) => rType(0x33, 5, 0x20, rd, a, b);
export const sltu = (rd: number, a: number, b: number) => rType(0x33, 3, 0, rd, a, b);
export const addw = (rd: number, a: number, b: number) => rType(0x3b, 0, 0, rd, a, b);
export const sraw = (rd: number, a: number, b: number) => rType(0x3b, 5, 0x20, rd, a, b);
/** M extension, funct3 0..7 = mul mulh mulhsu mulhu div divu rem remu. */
export const mulOp = (f3: number, rd: number, a: number, b: number) => rType(0x33, f3, 1, rd, a, b);
/** M extension W forms, funct3 0 mulw, 4 divw, 5 divuw, 6 remw, 7 remuw. */
export const mulOpW = (f3: number, rd: number, a: number, b: number) =>
  rType(0x3b, f3, 1, rd, a, b);
export const load = (f3: number, rd: number, rs1: number, imm: number) =>
  iType(0x03, f3, rd, rs1, imm);
export const store = (f3: number, rs1: number, rs2: number, imm: number) =>
  sType(0x23, f3, rs1, rs2, imm);
export const ld = (rd: number, rs1: number, imm: number) => load(3, rd, rs1, imm);
export const sd = (rs1: number, rs2: number, imm: number) => store(3, rs1, rs2, imm);
export const sw = (rs1: number, rs2: number, imm: number) => store(2, rs1, rs2, imm);
export const beq = (a: number, b: number, off: number) => bType(0, a, b, off);
export const bne = (a: number, b: number, off: number) => bType(1, a, b, off);
export const blt = (a: number, b: number, off: number) => bType(4, a, b, off);
export const bgeu = (a: number, b: number, off: number) => bType(7, a, b, off);
export function jal(rd: number, off: number): number {
  return u(
    (((off >> 20) & 1) << 31) |
      (((off >> 1) & 1023) << 21) |
      (((off >> 11) & 1) << 20) |
      (((off >> 12) & 255) << 12) |
      (rd << 7) |
      0x6f,
  );
}
export const jalr = (rd: number, rs1: number, imm: number) => iType(0x67, 0, rd, rs1, imm);
export const csrrw = (rd: number, csr: number, rs1: number) => iType(0x73, 1, rd, rs1, csr);
export const csrrs = (rd: number, csr: number, rs1: number) => iType(0x73, 2, rd, rs1, csr);
export const csrrc = (rd: number, csr: number, rs1: number) => iType(0x73, 3, rd, rs1, csr);
export const csrrwi = (rd: number, csr: number, uimm: number) => iType(0x73, 5, rd, uimm, csr);
export const csrrsi = (rd: number, csr: number, uimm: number) => iType(0x73, 6, rd, uimm, csr);
export const csrr = (rd: number, csr: number) => csrrs(rd, csr, 0);
export const csrw = (csr: number, rs1: number) => csrrw(0, csr, rs1);
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;
export const MRET = 0x30200073;
export const SRET = 0x10200073;
export const WFI = 0x10500073;
export const sfenceVma = (rs1: number, rs2: number) => rType(0x73, 0, 0x09, 0, rs1, rs2);
export const FENCE_I = 0x0000100f;
/** Zihintpause's PAUSE (FENCE pred = W, succ = 0). */
export const PAUSE = 0x0100000f;
/** Jump to itself: a program's resting point. */
export const SPIN = jal(0, 0);
/** A: funct5 2 = lr, 3 = sc, 0 add, 1 swap, 4 xor, 8 or, 12 and, 16 min, 20 max, 24 minu, 28 maxu. */
export const amo = (f5: number, wide: boolean, rd: number, rs1: number, rs2: number) =>
  rType(0x2f, wide ? 3 : 2, f5 << 2, rd, rs1, rs2);
/** OP-FP with a rounding-mode field (7 = dynamic). */
export const opFp = (f7: number, rd: number, rs1: number, rs2: number, rm = 7) =>
  rType(0x53, rm, f7, rd, rs1, rs2);
export const fld = (rd: number, rs1: number, imm: number) => iType(0x07, 3, rd, rs1, imm);
export const flw = (rd: number, rs1: number, imm: number) => iType(0x07, 2, rd, rs1, imm);
export const fsd = (rs1: number, rs2: number, imm: number) => sType(0x27, 3, rs1, rs2, imm);

/** Load any 64-bit constant (lui/addiw for 32-bit values, shifted pieces otherwise). */
export function li(rd: number, value: bigint): number[] {
  const v = BigInt.asIntN(64, value);
  if (v >= -2048n && v < 2048n) return [addi(rd, 0, Number(v))];
  if (v >= -(1n << 31n) && v < 1n << 31n) {
    const lo = Number(BigInt.asIntN(12, v));
    const hi = Number(((v - BigInt(lo)) >> 12n) & 0xfffffn);
    return lo === 0 ? [lui(rd, hi)] : [lui(rd, hi), addiw(rd, rd, lo)];
  }
  const lo = BigInt.asIntN(12, v);
  const rest = (v - lo) >> 12n;
  const out = [...li(rd, rest), slli(rd, rd, 12)];
  if (lo !== 0n) out.push(addi(rd, rd, Number(lo)));
  return out;
}
