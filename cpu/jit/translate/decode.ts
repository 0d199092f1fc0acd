// Decodes the RV64I/M/F/D instructions the translator handles into a small IR. Anything else
// (system, CSR, atomics, FENCE.I, illegal encodings) decodes to undefined: the block ends
// before it and the interpreter executes it (and raises any trap).
import { decodeFp, type FpInst } from './decode-fp';

/** Zihintpause's PAUSE (a FENCE hint; cpu/assembly/pause.ts). */
const PAUSE = 0x0100000f;

export type AluOp =
  | 'add'
  | 'sub'
  | 'sll'
  | 'slt'
  | 'sltu'
  | 'xor'
  | 'srl'
  | 'sra'
  | 'or'
  | 'and'
  | 'mul'
  | 'mulh'
  | 'mulhsu'
  | 'mulhu'
  | 'div'
  | 'divu'
  | 'rem'
  | 'remu';
export type BranchOp = 'eq' | 'ne' | 'lt' | 'ge' | 'ltu' | 'geu';

export type Inst =
  | { kind: 'alu'; op: AluOp; word: boolean; rd: number; rs1: number; rs2: number }
  | { kind: 'alui'; op: AluOp; word: boolean; rd: number; rs1: number; imm: bigint }
  | { kind: 'lui'; rd: number; imm: bigint }
  | { kind: 'auipc'; rd: number; imm: bigint }
  /** `far`: an `auipc r, hi; jalr rd, lo(r)` pair read as one jump to its constant target
   * (block-reader.ts). */
  | { kind: 'jal'; rd: number; imm: bigint; far?: true }
  | { kind: 'jalr'; rd: number; rs1: number; imm: bigint }
  | { kind: 'branch'; op: BranchOp; rs1: number; rs2: number; imm: bigint }
  | { kind: 'load'; size: 1 | 2 | 4 | 8; signed: boolean; rd: number; rs1: number; imm: bigint }
  | { kind: 'store'; size: 1 | 2 | 4 | 8; rs1: number; rs2: number; imm: bigint }
  | { kind: 'fence' }
  | FpInst;

const sext = (v: number, bits: number): bigint => BigInt.asIntN(bits, BigInt(v >>> 0));
const immI = (i: number): bigint => BigInt(i >> 20);
const immS = (i: number): bigint => BigInt(((i >> 25) << 5) | ((i >>> 7) & 31));
const immB = (i: number): bigint =>
  sext(
    (((i >>> 31) & 1) << 12) |
      (((i >>> 7) & 1) << 11) |
      (((i >>> 25) & 63) << 5) |
      (((i >>> 8) & 15) << 1),
    13,
  );
const immJ = (i: number): bigint =>
  sext(
    (((i >>> 31) & 1) << 20) |
      (i & 0xff000) |
      (((i >>> 20) & 1) << 11) |
      (((i >>> 21) & 1023) << 1),
    21,
  );

const OP_BASE: (AluOp | undefined)[] = ['add', 'sll', 'slt', 'sltu', 'xor', 'srl', 'or', 'and'];
const OP_M: (AluOp | undefined)[] = [
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
];
const BRANCH: (BranchOp | undefined)[] = [
  'eq',
  'ne',
  undefined,
  undefined,
  'lt',
  'ge',
  'ltu',
  'geu',
];
const LOADS: ({ size: 1 | 2 | 4 | 8; signed: boolean } | undefined)[] = [
  { size: 1, signed: true },
  { size: 2, signed: true },
  { size: 4, signed: true },
  { size: 8, signed: false },
  { size: 1, signed: false },
  { size: 2, signed: false },
  { size: 4, signed: false },
  undefined,
];

/** Decodes a 32-bit instruction (compressed ones already expanded). */
export function decode(i: number): Inst | undefined {
  const rd = (i >>> 7) & 31;
  const f3 = (i >>> 12) & 7;
  const rs1 = (i >>> 15) & 31;
  const rs2 = (i >>> 20) & 31;
  const f7 = i >>> 25;
  switch (i & 0x7f) {
    case 0x37:
      return { kind: 'lui', rd, imm: BigInt((i & 0xfffff000) | 0) };
    case 0x17:
      return { kind: 'auipc', rd, imm: BigInt((i & 0xfffff000) | 0) };
    case 0x6f:
      return { kind: 'jal', rd, imm: immJ(i) };
    case 0x67:
      return f3 === 0 ? { kind: 'jalr', rd, rs1, imm: immI(i) } : undefined;
    case 0x63: {
      const op = BRANCH[f3];
      return op ? { kind: 'branch', op, rs1, rs2, imm: immB(i) } : undefined;
    }
    case 0x03: {
      const l = LOADS[f3];
      return l ? { kind: 'load', ...l, rd, rs1, imm: immI(i) } : undefined;
    }
    case 0x23:
      return f3 < 4
        ? { kind: 'store', size: (1 << f3) as 1 | 2 | 4 | 8, rs1, rs2, imm: immS(i) }
        : undefined;
    case 0x0f:
      // FENCE is a no-op here (WASM atomics are sequentially consistent); FENCE.I is not, nor
      // PAUSE: the interpreter counts a spin-wait's PAUSEs and yields the thread after a streak.
      return f3 === 0 && i !== PAUSE ? { kind: 'fence' } : undefined;
    case 0x13:
      return decodeOpImm(i, f3, rd, rs1, false);
    case 0x1b:
      return decodeOpImm(i, f3, rd, rs1, true);
    case 0x33:
    case 0x3b: {
      const word = (i & 0x7f) === 0x3b;
      let op: AluOp | undefined;
      if (f7 === 0) op = OP_BASE[f3];
      else if (f7 === 0x20) op = f3 === 0 ? 'sub' : f3 === 5 ? 'sra' : undefined;
      else if (f7 === 1) op = OP_M[f3];
      if (!op) return undefined;
      if (
        word &&
        !['add', 'sub', 'sll', 'srl', 'sra', 'mul', 'div', 'divu', 'rem', 'remu'].includes(op)
      ) {
        return undefined;
      }
      return { kind: 'alu', op, word, rd, rs1, rs2 };
    }
    default:
      return decodeFp(i);
  }
}

function decodeOpImm(
  i: number,
  f3: number,
  rd: number,
  rs1: number,
  word: boolean,
): Inst | undefined {
  const imm = immI(i);
  if (f3 === 1 || f3 === 5) {
    // Shifts: shamt is 6 bits (5 for the W forms); the bits above select logical/arithmetic.
    const high = word ? i >>> 25 : i >>> 26;
    const shamt = BigInt((i >>> 20) & (word ? 31 : 63));
    const arith = word ? 0x20 : 0x10;
    if (f3 === 1 && high === 0) return { kind: 'alui', op: 'sll', word, rd, rs1, imm: shamt };
    if (f3 === 5 && high === 0) return { kind: 'alui', op: 'srl', word, rd, rs1, imm: shamt };
    if (f3 === 5 && high === arith) return { kind: 'alui', op: 'sra', word, rd, rs1, imm: shamt };
    return undefined;
  }
  if (word) return f3 === 0 ? { kind: 'alui', op: 'add', word, rd, rs1, imm } : undefined;
  const op = OP_BASE[f3];
  return op ? { kind: 'alui', op, word, rd, rs1, imm } : undefined;
}

/** Instructions after which a block must end (control transfer). */
export function endsBlock(inst: Inst): boolean {
  return inst.kind === 'jal' || inst.kind === 'jalr' || inst.kind === 'branch';
}
