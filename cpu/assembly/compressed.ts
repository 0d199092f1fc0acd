// C extension (RV64): every 16-bit form expanded to its 32-bit equivalent, 0 for illegal or
// reserved encodings. Expansion happens once per pattern into a table (see buildRvcTable).
import { RVC_TABLE_BASE } from '../layout/wasm-memory';

@inline function rType(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function iType(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return ((<u32>imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function sType(imm: u32, rs2: u32, rs1: u32, f3: u32, op: u32): u32 {
  return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op;
}
@inline function bType(imm: i32, rs2: u32, rs1: u32, f3: u32): u32 {
  const u = <u32>imm;
  return (
    (((u >> 12) & 1) << 31) |
    (((u >> 5) & 63) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((u >> 1) & 15) << 8) |
    (((u >> 11) & 1) << 7) |
    0x63
  );
}
@inline function jType(imm: i32, rd: u32): u32 {
  const u = <u32>imm;
  return (
    (((u >> 20) & 1) << 31) |
    (((u >> 1) & 1023) << 21) |
    (((u >> 11) & 1) << 20) |
    (((u >> 12) & 255) << 12) |
    (rd << 7) |
    0x6f
  );
}
@inline function sext(v: u32, bits: i32): i32 {
  return (<i32>(v << (32 - bits))) >> (32 - bits);
}

/** Expand one compressed instruction (low two bits != 3). */
export function expandCompressed(h: u32): u32 {
  const f3 = (h >> 13) & 7;
  const rdFull = (h >> 7) & 31;
  const rs2Full = (h >> 2) & 31;
  const rdP = 8 + ((h >> 2) & 7); // rd'/rs2' in bits 4:2
  const rs1P = 8 + ((h >> 7) & 7); // rs1'/rd' in bits 9:7
  const imm6 = sext(((h >> 7) & 0x20) | ((h >> 2) & 31), 6);
  const shamt = ((h >> 7) & 0x20) | ((h >> 2) & 31);
  const uimmD = ((h >> 7) & 0x38) | ((h << 1) & 0xc0); // c.ld/c.sd/c.fld/c.fsd
  const uimmW = ((h >> 7) & 0x38) | ((h >> 4) & 4) | ((h << 1) & 0x40); // c.lw/c.sw
  switch (h & 3) {
    case 0:
      switch (f3) {
        case 0: {
          const nz = ((h >> 7) & 0x30) | ((h >> 1) & 0x3c0) | ((h >> 4) & 4) | ((h >> 2) & 8);
          return nz == 0 ? 0 : iType(nz, 2, 0, rdP, 0x13);
        }
        case 1:
          return iType(uimmD, rs1P, 3, rdP, 0x07);
        case 2:
          return iType(uimmW, rs1P, 2, rdP, 0x03);
        case 3:
          return iType(uimmD, rs1P, 3, rdP, 0x03);
        case 5:
          return sType(uimmD, rdP, rs1P, 3, 0x27);
        case 6:
          return sType(uimmW, rdP, rs1P, 2, 0x23);
        case 7:
          return sType(uimmD, rdP, rs1P, 3, 0x23);
      }
      return 0;
    case 1:
      switch (f3) {
        case 0:
          return iType(imm6, rdFull, 0, rdFull, 0x13);
        case 1:
          return rdFull == 0 ? 0 : iType(imm6, rdFull, 0, rdFull, 0x1b);
        case 2:
          return iType(imm6, 0, 0, rdFull, 0x13);
        case 3: {
          if (rdFull == 2) {
            const raw =
              ((h >> 3) & 0x200) | ((h >> 2) & 0x10) | ((h << 1) & 0x40) | ((h << 4) & 0x180) |
              ((h << 3) & 0x20);
            return raw == 0 ? 0 : iType(sext(raw, 10), 2, 0, 2, 0x13);
          }
          if (imm6 == 0) return 0;
          return ((<u32>imm6 & 0xfffff) << 12) | (rdFull << 7) | 0x37;
        }
        case 4:
          return miscAlu(h, rs1P, rdP, shamt, imm6);
        case 5: {
          const raw =
            ((h >> 1) & 0x800) | ((h >> 7) & 0x10) | ((h >> 1) & 0x300) | ((h << 2) & 0x400) |
            ((h >> 1) & 0x40) | ((h << 1) & 0x80) | ((h >> 2) & 0xe) | ((h << 3) & 0x20);
          return jType(sext(raw, 12), 0);
        }
        default: {
          const raw =
            ((h >> 4) & 0x100) | ((h >> 7) & 0x18) | ((h << 1) & 0xc0) | ((h >> 2) & 6) |
            ((h << 3) & 0x20);
          return bType(sext(raw, 9), 0, rs1P, f3 == 6 ? 0 : 1);
        }
      }
    case 2:
      switch (f3) {
        case 0:
          return iType(shamt, rdFull, 1, rdFull, 0x13);
        case 1:
          return iType(uimmSpD(h), 2, 3, rdFull, 0x07);
        case 2: {
          const u = ((h >> 7) & 0x20) | ((h >> 2) & 0x1c) | ((h << 4) & 0xc0);
          return rdFull == 0 ? 0 : iType(u, 2, 2, rdFull, 0x03);
        }
        case 3:
          return rdFull == 0 ? 0 : iType(uimmSpD(h), 2, 3, rdFull, 0x03);
        case 4:
          if ((h & 0x1000) == 0) {
            if (rs2Full == 0) return rdFull == 0 ? 0 : iType(0, rdFull, 0, 0, 0x67);
            return rType(0, rs2Full, 0, 0, rdFull, 0x33);
          }
          if (rs2Full == 0) return rdFull == 0 ? 0x00100073 : iType(0, rdFull, 0, 1, 0x67);
          return rType(0, rs2Full, rdFull, 0, rdFull, 0x33);
        case 5:
          return sType(storeSpD(h), rs2Full, 2, 3, 0x27);
        case 6:
          return sType(((h >> 7) & 0x3c) | ((h >> 1) & 0xc0), rs2Full, 2, 2, 0x23);
        default:
          return sType(storeSpD(h), rs2Full, 2, 3, 0x23);
      }
  }
  return 0;
}

@inline function uimmSpD(h: u32): u32 {
  return ((h >> 7) & 0x20) | ((h >> 2) & 0x18) | ((h << 4) & 0x1c0);
}
@inline function storeSpD(h: u32): u32 {
  return ((h >> 7) & 0x38) | ((h >> 1) & 0x1c0);
}

function miscAlu(h: u32, rd: u32, rs2: u32, shamt: u32, imm6: i32): u32 {
  switch ((h >> 10) & 3) {
    case 0:
      return iType(shamt, rd, 5, rd, 0x13);
    case 1:
      return iType(0x400 | shamt, rd, 5, rd, 0x13);
    case 2:
      return iType(imm6, rd, 7, rd, 0x13);
  }
  const op = (h >> 5) & 3;
  if ((h & 0x1000) == 0) {
    if (op == 0) return rType(0x20, rs2, rd, 0, rd, 0x33); // c.sub
    if (op == 1) return rType(0, rs2, rd, 4, rd, 0x33); // c.xor
    if (op == 2) return rType(0, rs2, rd, 6, rd, 0x33); // c.or
    return rType(0, rs2, rd, 7, rd, 0x33); // c.and
  }
  if (op == 0) return rType(0x20, rs2, rd, 0, rd, 0x3b); // c.subw
  if (op == 1) return rType(0, rs2, rd, 0, rd, 0x3b); // c.addw
  return 0;
}

/** Fill the shared expansion table (idempotent; every instance writes the same values). */
export function buildRvcTable(): void {
  for (let h: u32 = 0; h < 65536; h++) {
    store<u32>(<usize>RVC_TABLE_BASE + (<usize>h << 2), (h & 3) == 3 ? 0 : expandCompressed(h));
  }
}

@inline export function rvcLookup(h: u32): u32 {
  return load<u32>(<usize>RVC_TABLE_BASE + (<usize>h << 2));
}
