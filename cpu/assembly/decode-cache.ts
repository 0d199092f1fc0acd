// Decoded-instruction cache, keyed by the instruction's raw bits (not by its address).
//
// The hot loop looks up the fetched bits here and, on a hit, dispatches on a small dense op index
// with the register numbers and immediate already extracted (compressed instructions already
// expanded), instead of the two-level opcode/funct switch of execute(). Because the key is the
// instruction's content, self-modifying code and fence.i need no invalidation: new bits simply
// miss. Each hart has its own table (statics are in the shared memory, and a hart's worker is the
// only writer and reader of its table), so no entry is ever read while half written.
//
// Entry (16 bytes): u32 raw bits | u32 op | rd << 8 | rs1 << 16 | rs2 << 24 | i32 immediate |
// u32 expanded 32-bit instruction (0 = illegal compressed pattern). Only common integer
// instructions get their own op; everything else is OP_GENERIC and goes through execute().
import { rvcLookup } from './compressed';
import { DECODE_CACHE_BASE, DECODE_CACHE_HART_BYTES } from '../layout/wasm-memory';

const ENTRIES_LOG2: u32 = 11;
const ENTRY_SIZE: usize = 16;
const TABLE_BYTES: usize = (<usize>1 << ENTRIES_LOG2) * ENTRY_SIZE;
/** The tables have their own region in cpu/layout/wasm-memory.ts, above the statics (the loader
 * refuses a build whose statics reach it). Not a `memory.data` static: every instantiation would
 * re-apply its zero data segment and wipe the tables of harts already running in other workers. */
const tables: usize = <usize>DECODE_CACHE_BASE;

/** Forget every decoded entry of `hart` (reset, snapshot restore: the memory may hold tables
 * written by another build). */
export function clearDecodeTable(hart: i32): void {
  memory.fill(decodeTable(hart), 0, TABLE_BYTES);
}

// Dense op indices (0 must be GENERIC: a zeroed entry is raw 0, an illegal compressed pattern).
export const OP_GENERIC: u32 = 0;
// I-type ALU ops are OP_ADDI + funct3 and R-type ones OP_ADD + funct3 (funct7 = 0).
export const OP_ADDI: u32 = 1;
export const OP_SLLI: u32 = 2;
export const OP_SLTI: u32 = 3;
export const OP_SLTIU: u32 = 4;
export const OP_XORI: u32 = 5;
export const OP_SRLI: u32 = 6;
export const OP_ORI: u32 = 7;
export const OP_ANDI: u32 = 8;
export const OP_SRAI: u32 = 9;
export const OP_ADD: u32 = 10;
export const OP_SLL: u32 = 11;
export const OP_SLT: u32 = 12;
export const OP_SLTU: u32 = 13;
export const OP_XOR: u32 = 14;
export const OP_SRL: u32 = 15;
export const OP_OR: u32 = 16;
export const OP_AND: u32 = 17;
export const OP_SUB: u32 = 18;
export const OP_SRA: u32 = 19;
export const OP_ADDIW: u32 = 20;
export const OP_SLLIW: u32 = 21;
export const OP_SRLIW: u32 = 22;
export const OP_SRAIW: u32 = 23;
export const OP_ADDW: u32 = 24;
export const OP_SUBW: u32 = 25;
export const OP_SLLW: u32 = 26;
export const OP_SRLW: u32 = 27;
export const OP_SRAW: u32 = 28;
export const OP_LUI: u32 = 29;
export const OP_AUIPC: u32 = 30;
export const OP_JAL: u32 = 31;
export const OP_JALR: u32 = 32;
export const OP_BEQ: u32 = 33;
export const OP_BNE: u32 = 34;
export const OP_BLT: u32 = 35;
export const OP_BGE: u32 = 36;
export const OP_BLTU: u32 = 37;
export const OP_BGEU: u32 = 38;
export const OP_LB: u32 = 39;
export const OP_LH: u32 = 40;
export const OP_LW: u32 = 41;
export const OP_LD: u32 = 42;
export const OP_LBU: u32 = 43;
export const OP_LHU: u32 = 44;
export const OP_LWU: u32 = 45;
export const OP_SB: u32 = 46;
export const OP_SH: u32 = 47;
export const OP_SW: u32 = 48;
export const OP_SD: u32 = 49;
// M extension: OP_MUL + funct3; OP_MULW, then OP_DIVW + funct3 - 4.
export const OP_MUL: u32 = 50;
export const OP_MULH: u32 = 51;
export const OP_MULHSU: u32 = 52;
export const OP_MULHU: u32 = 53;
export const OP_DIV: u32 = 54;
export const OP_DIVU: u32 = 55;
export const OP_REM: u32 = 56;
export const OP_REMU: u32 = 57;
export const OP_MULW: u32 = 58;
export const OP_DIVW: u32 = 59;
export const OP_DIVUW: u32 = 60;
export const OP_REMW: u32 = 61;
export const OP_REMUW: u32 = 62;
// Floating point: whole major opcodes handed to fp.ts without execute()'s opcode switch.
export const OP_FP_LOAD: u32 = 63;
export const OP_FP_STORE: u32 = 64;
export const OP_FP_FMA: u32 = 65;
export const OP_FP_OP: u32 = 66;

/** Base of hart `hart`'s table. */
@inline export function decodeTable(hart: i32): usize {
  return tables + <usize>hart * <usize>DECODE_CACHE_HART_BYTES; // TABLE_BYTES fits in a hart's slot
}

/** The entry for `raw`, filled if it held other bits. */
@inline export function lookup(table: usize, raw: u32): usize {
  const e = table + ((<usize>((raw * 0x9e3779b1) >> (32 - ENTRIES_LOG2))) << 4);
  if (load<u32>(e) != raw) fill(e, raw);
  return e;
}

function fill(e: usize, raw: u32): void {
  const inst = (raw & 3) == 3 ? raw : rvcLookup(raw);
  const op = inst == 0 ? OP_GENERIC : decodeOp(inst);
  const rd = (inst >> 7) & 31;
  const rs1 = (inst >> 15) & 31;
  const rs2 = (inst >> 20) & 31;
  store<u32>(e, raw);
  store<u32>(e, op | (rd << 8) | (rs1 << 16) | (rs2 << 24), 4);
  store<i32>(e, immediate(inst, op), 8);
  store<u32>(e, inst, 12);
}

function immediate(i: u32, op: u32): i32 {
  if (op == OP_SLLI || op == OP_SRLI || op == OP_SRAI) return <i32>((i >> 20) & 63);
  if (op >= OP_SLLIW && op <= OP_SRAIW) return <i32>((i >> 20) & 31);
  if (op == OP_LUI || op == OP_AUIPC) return <i32>(i & 0xfffff000);
  if (op == OP_JAL) {
    return (
      ((<i32>i >> 31) << 20) |
      <i32>(i & 0xff000) |
      <i32>(((i >> 20) & 1) << 11) |
      <i32>(((i >> 21) & 1023) << 1)
    );
  }
  if (op >= OP_BEQ && op <= OP_BGEU) {
    return (
      ((<i32>i >> 31) << 12) |
      <i32>(((i >> 7) & 1) << 11) |
      <i32>(((i >> 25) & 63) << 5) |
      <i32>(((i >> 8) & 15) << 1)
    );
  }
  if (op >= OP_SB && op <= OP_SD) return ((<i32>i >> 25) << 5) | <i32>((i >> 7) & 31);
  return <i32>i >> 20; // I-type
}

/** Op index of a 32-bit instruction; OP_GENERIC for anything execute() must handle (including
 * every illegal encoding, so the illegal-instruction trap stays in one place). */
function decodeOp(i: u32): u32 {
  const f3 = (i >> 12) & 7;
  const f7 = i >> 25;
  switch (i & 0x7f) {
    case 0x13:
      if (f3 == 1) return i >> 26 == 0 ? OP_SLLI : OP_GENERIC;
      if (f3 == 5) return i >> 26 == 0 ? OP_SRLI : i >> 26 == 0x10 ? OP_SRAI : OP_GENERIC;
      return OP_ADDI + f3;
    case 0x33:
      if (f7 == 0) return OP_ADD + f3;
      if (f7 == 0x20) return f3 == 0 ? OP_SUB : f3 == 5 ? OP_SRA : OP_GENERIC;
      return f7 == 1 ? OP_MUL + f3 : OP_GENERIC;
    case 0x1b:
      if (f3 == 0) return OP_ADDIW;
      if (f3 == 1) return f7 == 0 ? OP_SLLIW : OP_GENERIC;
      if (f3 == 5) return f7 == 0 ? OP_SRLIW : f7 == 0x20 ? OP_SRAIW : OP_GENERIC;
      return OP_GENERIC;
    case 0x3b:
      if (f7 == 0) return f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : f3 == 5 ? OP_SRLW : OP_GENERIC;
      if (f7 == 0x20) return f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_GENERIC;
      if (f7 == 1) return f3 == 0 ? OP_MULW : f3 >= 4 ? OP_DIVW + f3 - 4 : OP_GENERIC;
      return OP_GENERIC;
    case 0x37:
      return OP_LUI;
    case 0x17:
      return OP_AUIPC;
    case 0x6f:
      return OP_JAL;
    case 0x67:
      return f3 == 0 ? OP_JALR : OP_GENERIC;
    case 0x63:
      return f3 == 2 || f3 == 3 ? OP_GENERIC : OP_BEQ + (f3 < 2 ? f3 : f3 - 2);
    case 0x03:
      return f3 == 7 ? OP_GENERIC : OP_LB + f3;
    case 0x23:
      return f3 < 4 ? OP_SB + f3 : OP_GENERIC;
    case 0x07:
      return OP_FP_LOAD;
    case 0x27:
      return OP_FP_STORE;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
      return OP_FP_FMA;
    case 0x53:
      return OP_FP_OP;
  }
  return OP_GENERIC;
}
