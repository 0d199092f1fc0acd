// F and D instructions into WASM, with exactly the interpreter's semantics (cpu/assembly/fp.ts):
// arithmetic through the CPU's own exported FPU functions (imported from module "fpu"), or WASM's
// own float ops where fp-fast-path.ts shows the result and flags are the same; NaN-boxing
// of singles, rounding mode from the instruction or frm, mstatus.FS set dirty by every FP
// instruction but stores. The FPU ORs exception flags into its `fpu_flags` global; the region's
// epilogue moves them into fcsr.fflags (fpu_take_flags), so fflags is exact at every exit.
// FS off (or an invalid dynamic frm) leaves to the interpreter before the instruction, which
// raises the illegal-instruction exception.
import { Mem, Op, ValType, type FuncType } from '../wasm-emitter';
import { HS_MSTATUS } from '../../layout/hart-state';
import type { FpInst } from './decode-fp';
import { EmitContext, JIT_STATUS_INTERPRET } from './emit-context';
import { emitLoadAddress, emitStore, type InstPlace } from './mem-emitter';
import { emitFastArith, hasFastPath } from './fp-fast-path';

const { i32, i64 } = ValType;
const BOX = -0x100000000n; // 0xffff_ffff_0000_0000
const CANONICAL_NAN32 = 0x7fc00000;
const MSTATUS_FS = 0x6000n;
const INT_NAMES = ['i32', 'u32', 'i64', 'u64'] as const;

export const TAKE_FLAGS = 'fpu_take_flags';

type FpArith = Extract<FpInst, { kind: 'fp' }>;

/** The CPU export an FP instruction calls, or undefined when it is done inline. */
export function fpuFunction(inst: FpInst): string | undefined {
  if (inst.kind !== 'fp') return undefined;
  const p = inst.double ? 'f64' : 'f32';
  switch (inst.op) {
    case 'sgnj':
    case 'sgnjn':
    case 'sgnjx':
    case 'mv_x':
    case 'mv_f':
      return undefined;
    case 'cvt_s_d':
      return 'f64_to_f32';
    case 'cvt_d_s':
      return 'f32_to_f64';
    case 'to_int':
      return `${p}_to_${INT_NAMES[inst.variant]!}`;
    case 'from_int':
      return `${INT_NAMES[inst.variant]!}_to_${p}`;
    default:
      return `${p}_${inst.op}`;
  }
}

/** WASM type of an FPU export (bit patterns: i32 single, i64 double; rm i32). */
export function fpuSignature(name: string): FuncType {
  if (name === TAKE_FLAGS) return { params: [], results: [i32] };
  if (name === 'f64_to_f32') return { params: [i64, i32], results: [i32] };
  if (name === 'f32_to_f64') return { params: [i32], results: [i64] };
  const [from, , to] = name.split('_') as [string, string, string | undefined];
  if (to !== undefined) {
    // <a>_to_<b>: conversions between a float format and an integer type
    const type = (t: string): ValType => (t === 'f64' || t === 'i64' || t === 'u64' ? i64 : i32);
    return { params: [type(from), i32], results: [type(to)] };
  }
  const f = from === 'f64' ? i64 : i32;
  const op = name.slice(4);
  if (op === 'sqrt') return { params: [f, i32], results: [f] };
  if (op === 'fma') return { params: [f, f, f, i32], results: [f] };
  if (op === 'min' || op === 'max') return { params: [f, f], results: [f] };
  if (op === 'eq' || op === 'lt' || op === 'le') return { params: [f, f], results: [i32] };
  if (op === 'class') return { params: [f], results: [i32] };
  return { params: [f, f, i32], results: [f] }; // add sub mul div
}

export class FpEmitter {
  constructor(
    private readonly c: EmitContext,
    /** Function index of an imported FPU export. */
    private readonly fpu: (name: string) => number,
  ) {}

  emit(inst: FpInst, at: InstPlace): void {
    const { c } = this;
    const b = c.b;
    const dynamic = inst.kind === 'fp' && inst.rm === 7;
    b.localGet(dynamic ? c.dynBad : c.fpBad).if();
    c.exit(at.offset, at.index, JIT_STATUS_INTERPRET);
    b.end();
    if (inst.kind === 'fload') {
      emitLoadAddress(c, inst.rs1, inst.imm, inst.size, at);
      if (inst.size === 4) b.mem(Mem.i64_load32_u, 0, 0).i64Const(BOX).op(Op.i64_or);
      else b.mem(Mem.i64_load, 0, 0);
      c.fset(inst.rd);
    } else if (inst.kind === 'fstore') {
      const op = inst.size === 4 ? Mem.i64_store32 : Mem.i64_store;
      emitStore(c, inst.rs1, inst.imm, inst.size, op, () => c.fget(inst.rs2), at);
      return; // stores leave FS alone
    } else {
      this.arith(inst);
    }
    b.i32Const(0)
      .i32Const(0)
      .mem(Mem.i64_load, c.hb + HS_MSTATUS);
    b.i64Const(MSTATUS_FS)
      .op(Op.i64_or)
      .mem(Mem.i64_store, c.hb + HS_MSTATUS);
  }

  private arith(inst: FpArith): void {
    const { c } = this;
    const b = c.b;
    const d = inst.double;
    const rm = (): void => void (inst.rm === 7 ? b.localGet(c.frm) : b.i32Const(inst.rm));
    const src = (r: number): void => (d ? void c.fget(r) : this.unbox(r));
    const name = fpuFunction(inst);
    if (hasFastPath(inst)) {
      const slow = (): void => {
        this.pushOperands(inst, src);
        rm();
        b.call(this.fpu(name!));
      };
      emitFastArith(c, inst, src, slow);
      this.setF(inst.rd, d);
      return;
    }
    switch (inst.op) {
      case 'sgnj':
      case 'sgnjn':
      case 'sgnjx': {
        const sign = d ? -0x8000000000000000n : -0x80000000;
        src(inst.rs1);
        this.constant(d, d ? 0x7fffffffffffffffn : 0x7fffffff);
        b.op(d ? Op.i64_and : Op.i32_and);
        src(inst.op === 'sgnjx' ? inst.rs1 : inst.rs2);
        if (inst.op === 'sgnjn') this.constant(d, -1);
        if (inst.op === 'sgnjx') src(inst.rs2);
        if (inst.op !== 'sgnj') b.op(d ? Op.i64_xor : Op.i32_xor);
        this.constant(d, sign);
        b.op(d ? Op.i64_and : Op.i32_and, d ? Op.i64_or : Op.i32_or);
        this.setF(inst.rd, d);
        return;
      }
      case 'mv_x':
        c.fget(inst.rs1);
        if (!d) b.op(Op.i32_wrap_i64, Op.i64_extend_i32_s);
        c.set(inst.rd);
        return;
      case 'mv_f':
        c.get(inst.rs1);
        if (!d) b.i64Const(0xffffffffn).op(Op.i64_and).i64Const(BOX).op(Op.i64_or);
        c.fset(inst.rd);
        return;
      case 'fma':
      case 'sqrt':
        this.pushOperands(inst, src);
        rm();
        break;
      case 'cvt_s_d':
        c.fget(inst.rs1);
        rm();
        break;
      case 'cvt_d_s':
        this.unbox(inst.rs1);
        break;
      case 'min':
      case 'max':
      case 'le':
      case 'lt':
      case 'eq':
        src(inst.rs1);
        src(inst.rs2);
        break;
      case 'class':
        src(inst.rs1);
        break;
      case 'to_int':
        src(inst.rs1);
        rm();
        break;
      case 'from_int':
        c.get(inst.rs1);
        if (inst.variant < 2) b.op(Op.i32_wrap_i64);
        rm();
        break;
      default: // add sub mul div
        this.pushOperands(inst, src);
        rm();
    }
    b.call(this.fpu(name!));
    const result = fpuSignature(name!).results[0];
    if (inst.op === 'to_int') {
      if (result === i32) b.op(Op.i64_extend_i32_s);
      c.set(inst.rd);
    } else if (inst.op === 'le' || inst.op === 'lt' || inst.op === 'eq' || inst.op === 'class') {
      b.op(Op.i64_extend_i32_u);
      c.set(inst.rd);
    } else {
      this.setF(inst.rd, result === i64);
    }
  }

  /** Pushes the FPU operands of add/sub/mul/div, sqrt or an FMA (with its negations). */
  private pushOperands(inst: FpArith, src: (r: number) => void): void {
    const b = this.c.b;
    const d = inst.double;
    if (inst.op === 'sqrt') {
      src(inst.rs1);
      return;
    }
    if (inst.op !== 'fma') {
      src(inst.rs1);
      src(inst.rs2);
      return;
    }
    const flip = (negate: boolean): void => {
      if (!negate) return;
      this.constant(d, d ? -0x8000000000000000n : -0x80000000);
      b.op(d ? Op.i64_xor : Op.i32_xor);
    };
    src(inst.rs1);
    flip(inst.variant >= 2);
    src(inst.rs2);
    src(inst.rs3);
    flip(inst.variant === 1 || inst.variant === 3);
  }

  /** Pops a result into f[rd]: doubles as they are, singles NaN-boxed. */
  private setF(rd: number, double: boolean): void {
    if (!double) this.c.b.op(Op.i64_extend_i32_u).i64Const(BOX).op(Op.i64_or);
    this.c.fset(rd);
  }

  /** Pushes the single in f[r] (i32), or the canonical NaN if it is not properly boxed. */
  private unbox(r: number): void {
    const { c } = this;
    c.fget(r).op(Op.i32_wrap_i64).i32Const(CANONICAL_NAN32);
    c.fget(r).i64Const(32n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32Const(-1).op(Op.i32_eq);
    c.b.op(Op.select);
  }

  private constant(double: boolean, v: bigint | number): void {
    if (double) this.c.b.i64Const(BigInt(v));
    else this.c.b.i32Const(Number(v));
  }
}
