// Decodes the F and D instructions the translator handles (loads, stores, FMA, OP-FP) into the
// IR, mirroring cpu/assembly/fp.ts: every encoding the interpreter would reject as illegal
// (reserved fmt, rs2 selectors, funct3, a static rounding mode 5/6) decodes to undefined, so the
// block ends before it and the interpreter raises the exception.

export type FpOp =
  | 'fma'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'sqrt'
  | 'sgnj'
  | 'sgnjn'
  | 'sgnjx'
  | 'min'
  | 'max'
  | 'cvt_s_d'
  | 'cvt_d_s'
  | 'le'
  | 'lt'
  | 'eq'
  | 'to_int'
  | 'from_int'
  | 'mv_x'
  | 'class'
  | 'mv_f';

export type FpInst =
  | { kind: 'fload'; size: 4 | 8; rd: number; rs1: number; imm: bigint }
  | { kind: 'fstore'; size: 4 | 8; rs1: number; rs2: number; imm: bigint }
  | {
      kind: 'fp';
      op: FpOp;
      double: boolean;
      rd: number;
      rs1: number;
      rs2: number;
      rs3: number;
      /** 0..4 static, 7 dynamic (frm), -1 unused. */
      rm: number;
      /** FMA sign flips (fmsub / fnmsub / fnmadd); for to_int / from_int: the rs2 selector. */
      variant: number;
    };

/** Operations whose result goes to an x register. */
export const FP_TO_X: ReadonlySet<FpOp> = new Set(['le', 'lt', 'eq', 'to_int', 'mv_x', 'class']);
/** Operations reading an x register (rs1). */
export const FP_FROM_X: ReadonlySet<FpOp> = new Set(['from_int', 'mv_f']);
/** Operations with a second f-register source. */
const BINARY: ReadonlySet<FpOp> = new Set([
  'add',
  'sub',
  'mul',
  'div',
  'sgnj',
  'sgnjn',
  'sgnjx',
  'min',
  'max',
  'le',
  'lt',
  'eq',
  'fma',
]);

/** Registers an FP instruction reads and writes, by file. */
export function fpRegisterUse(inst: FpInst): {
  xr: number[];
  xw: number[];
  fr: number[];
  fw: number[];
} {
  if (inst.kind === 'fload') return { xr: [inst.rs1], xw: [], fr: [], fw: [inst.rd] };
  if (inst.kind === 'fstore') return { xr: [inst.rs1], xw: [], fr: [inst.rs2], fw: [] };
  const fromX = FP_FROM_X.has(inst.op);
  const fr = fromX ? [] : [inst.rs1];
  if (BINARY.has(inst.op)) fr.push(inst.rs2);
  if (inst.op === 'fma') fr.push(inst.rs3);
  const toX = FP_TO_X.has(inst.op);
  return {
    xr: fromX ? [inst.rs1] : [],
    xw: toX && inst.rd !== 0 ? [inst.rd] : [],
    fr,
    fw: toX ? [] : [inst.rd],
  };
}

const validRm = (rm: number): boolean => rm <= 4 || rm === 7;

export function decodeFp(i: number): FpInst | undefined {
  const rd = (i >>> 7) & 31;
  const f3 = (i >>> 12) & 7;
  const rs1 = (i >>> 15) & 31;
  const rs2 = (i >>> 20) & 31;
  switch (i & 0x7f) {
    case 0x07:
      if (f3 !== 2 && f3 !== 3) return undefined;
      return { kind: 'fload', size: f3 === 2 ? 4 : 8, rd, rs1, imm: BigInt(i >> 20) };
    case 0x27:
      if (f3 !== 2 && f3 !== 3) return undefined;
      return {
        kind: 'fstore',
        size: f3 === 2 ? 4 : 8,
        rs1,
        rs2,
        imm: BigInt(((i >> 25) << 5) | ((i >>> 7) & 31)),
      };
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      const fmt = (i >>> 25) & 3;
      if (fmt > 1 || !validRm(f3)) return undefined;
      const base = { kind: 'fp', op: 'fma', double: fmt === 1, rd, rs1, rs2 } as const;
      return { ...base, rs3: i >>> 27, rm: f3, variant: (i >>> 2) & 3 };
    }
    case 0x53:
      return decodeOpFp(i, rd, f3, rs1, rs2);
    default:
      return undefined;
  }
}

function decodeOpFp(
  i: number,
  rd: number,
  f3: number,
  rs1: number,
  rs2: number,
): FpInst | undefined {
  const f7 = i >>> 25;
  const fmt = f7 & 3;
  if (fmt > 1) return undefined;
  const double = fmt === 1;
  const op = f7 >> 2;
  const make = (o: FpOp, rm = -1, variant = 0): FpInst | undefined =>
    rm !== -1 && !validRm(rm)
      ? undefined
      : { kind: 'fp', op: o, double, rd, rs1, rs2, rs3: 0, rm, variant };
  switch (op) {
    case 0x00:
      return make('add', f3);
    case 0x01:
      return make('sub', f3);
    case 0x02:
      return make('mul', f3);
    case 0x03:
      return make('div', f3);
    case 0x0b:
      return rs2 === 0 ? make('sqrt', f3) : undefined;
    case 0x04:
      return f3 <= 2 ? make((['sgnj', 'sgnjn', 'sgnjx'] as const)[f3]!) : undefined;
    case 0x05:
      return f3 <= 1 ? make(f3 === 0 ? 'min' : 'max') : undefined;
    case 0x08:
      // fcvt.s.d (fmt S, rs2 = 1) rounds; fcvt.d.s (fmt D, rs2 = 0) is exact but still checks rm.
      if (!double) return rs2 === 1 ? make('cvt_s_d', f3) : undefined;
      return rs2 === 0 ? make('cvt_d_s', f3) : undefined;
    case 0x14:
      return f3 <= 2 ? make((['le', 'lt', 'eq'] as const)[f3]!) : undefined;
    case 0x18:
      return rs2 <= 3 ? make('to_int', f3, rs2) : undefined;
    case 0x1a:
      return rs2 <= 3 ? make('from_int', f3, rs2) : undefined;
    case 0x1c:
      if (rs2 !== 0 || f3 > 1) return undefined;
      return make(f3 === 0 ? 'mv_x' : 'class');
    case 0x1e:
      return rs2 === 0 && f3 === 0 ? make('mv_f') : undefined;
    default:
      return undefined;
  }
}
