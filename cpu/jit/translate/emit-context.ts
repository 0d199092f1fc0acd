// The state shared by the emitters of one region function: the builder, the fixed locals, guest
// registers held in locals, and the two ways out of straight-line code: `exit` (leave the
// function with a status; the single epilogue writes registers, pc and instret back) and
// `transfer` (continue at another block of the region when the budget allows, else exit).
import { FunctionBuilder, Op, ValType } from '../wasm-emitter';
import type { RegionFlow } from './region-flow';

const { i32, i64 } = ValType;

/** Block results (low two bits; the rest is 0). */
export const JIT_STATUS_END = 0;
/** The interpreter must execute the instruction at HS_PC (TLB miss, page cross, FS off...). */
export const JIT_STATUS_INTERPRET = 1;

/** Parameters of every region function: (hb, dataKey, budget, entry block index, fetchKey) →
 * status. The TLB keys are the CPU's (tlb_data_key, tlb_fetch_key); they only change in the
 * interpreter. Regions are compiled per hart and address its state block as a constant
 * (EmitContext.hb, folded into load/store offsets); hb is only passed on when chaining. */
export const PARAM_HB = 0;
export const PARAM_KEY = 1;
export const PARAM_BUDGET = 2;
export const PARAM_ENTRY = 3;
export const PARAM_FETCH_KEY = 4;
export const REGION_TYPE = { params: [i32, i32, i32, i32, i32], results: [i32] } as const;
/** The dispatcher's export `chain`: a region's parameters and the table slot to tail-call. */
export const CHAIN_TYPE = { params: [i32, i32, i32, i32, i32, i32], results: [i32] } as const;

/** A load's last page translation: `page` (its page, or NO_PAGE) and `addend` (va + addend = wasm
 * address), valid for one region call: the load TLB only changes in the interpreter. */
export interface LoadCache {
  page: number;
  addend: number;
}

export class EmitContext {
  /** Virtual address of the page holding the region (HS_PC & ~0xfff at entry). */
  readonly base: number;
  readonly key64: number;
  /** Instructions retired by blocks completed in this call. */
  readonly done: number;
  readonly next: number;
  readonly exitPc: number;
  readonly exitRetired: number;
  readonly status: number;
  // Scratch.
  readonly va: number;
  readonly entry: number;
  readonly addr: number;
  readonly page: number;
  readonly target: number;
  readonly a64: number;
  readonly b64: number;
  readonly t1: number;
  readonly t2: number;
  readonly a32: number;
  readonly b32: number;
  /** i32 1 if FP instructions must leave to the interpreter (FS off); with a dynamic rounding
   * mode also when frm is invalid (the interpreter raises illegal instruction). */
  readonly fpBad: number;
  readonly dynBad: number;
  readonly frm: number;
  /** i32 1 if native float ops may stand in for the FPU (fp-fast-path.ts): fflags.NX was set at
   * entry (static RNE), and in addition frm = RNE (dynamic rounding mode). */
  readonly fastStaticRm: number;
  readonly fastDynamicRm: number;
  /** Loads whose page translation is kept in locals (mem-emitter.ts), by block and index in it. */
  readonly loadCaches = new Map<string, LoadCache>();
  private readonly f64Locals: number[] = [];
  private readonly xLocals = new Map<number, number>();
  private readonly fLocals = new Map<number, number>();
  /** openBlocks of the builder just inside the epilogue block. */
  exitDepth = 0;
  /** The branches between the region's blocks, and the block being emitted. */
  flow!: RegionFlow;
  currentBlock = 0;

  constructor(
    readonly b: FunctionBuilder,
    /** The hart's state block: regions are compiled per hart, so its address is a constant. */
    readonly hb: number,
  ) {
    this.base = b.addLocal(i64);
    this.key64 = b.addLocal(i64);
    this.exitPc = b.addLocal(i64);
    this.va = b.addLocal(i64);
    this.target = b.addLocal(i64);
    this.a64 = b.addLocal(i64);
    this.b64 = b.addLocal(i64);
    this.t1 = b.addLocal(i64);
    this.t2 = b.addLocal(i64);
    this.done = b.addLocal(i32);
    this.next = b.addLocal(i32);
    this.exitRetired = b.addLocal(i32);
    this.status = b.addLocal(i32);
    this.entry = b.addLocal(i32);
    this.addr = b.addLocal(i32);
    this.page = b.addLocal(i32);
    this.a32 = b.addLocal(i32);
    this.b32 = b.addLocal(i32);
    this.fpBad = b.addLocal(i32);
    this.dynBad = b.addLocal(i32);
    this.frm = b.addLocal(i32);
    this.fastStaticRm = b.addLocal(i32);
    this.fastDynamicRm = b.addLocal(i32);
  }

  /** The i-th f64 scratch local (declared on first use). */
  f64Scratch(i: number): number {
    while (this.f64Locals.length <= i) this.f64Locals.push(this.b.addLocal(ValType.f64));
    return this.f64Locals[i]!;
  }

  xLocal(r: number): number {
    return this.local(this.xLocals, r);
  }
  fLocal(r: number): number {
    return this.local(this.fLocals, r);
  }

  /** The page translation cache of the current block's load number `index`, if it has one. */
  loadCache(index: number): LoadCache | undefined {
    return this.loadCaches.get(`${this.currentBlock}:${index}`);
  }

  /** Pushes x[r] (0 for x0). */
  get(r: number): FunctionBuilder {
    return r === 0 ? this.b.i64Const(0n) : this.b.localGet(this.xLocal(r));
  }

  /** Pops the value on the stack into x[rd] (dropped for x0). */
  set(rd: number): void {
    if (rd === 0) this.b.op(Op.drop);
    else this.b.localSet(this.xLocal(rd));
  }

  fget(r: number): FunctionBuilder {
    return this.b.localGet(this.fLocal(r));
  }
  fset(r: number): void {
    this.b.localSet(this.fLocal(r));
  }

  /** Pushes the virtual pc of page offset `offset` plus `plus`. */
  pcAt(offset: number, plus = 0n): void {
    this.b
      .localGet(this.base)
      .i64Const(BigInt(offset) + plus)
      .op(Op.i64_add);
  }

  /** Leaves the function: `pc` is the next pc — a page offset, or code pushing a virtual
   * address — `retired` the instructions of the current block already done, `status` a constant
   * or code pushing an i32. exitPc holds the pc relative to `base` until the epilogue: an
   * absolute constant would be `base + k`, which V8 hoists out of the loop for every exit of the
   * region and keeps live across it (dozens of spilled values in a large region). */
  exit(pc: number | (() => void), retired: number, status: number | (() => void)): void {
    const b = this.b;
    if (typeof pc === 'number') b.i64Const(BigInt(pc));
    else {
      pc();
      b.localGet(this.base).op(Op.i64_sub);
    }
    b.localSet(this.exitPc);
    b.localGet(this.done);
    if (retired > 0) b.i32Const(retired).op(Op.i32_add);
    b.localSet(this.exitRetired);
    if (typeof status === 'number') b.i32Const(status);
    else status();
    b.localSet(this.status);
    b.br(b.openBlocks - this.exitDepth);
  }

  /** Control goes to page offset `offset` after `retired` instructions of the current block:
   * a branch to its block if the region has one (region-flow.ts), else an exit. A jump back
   * checks the budget first (only those can repeat code). */
  transfer(
    offset: number,
    retired: number,
    blockIndex: (offset: number) => number | undefined,
  ): void {
    const b = this.b;
    const k = blockIndex(offset);
    if (k === undefined) {
      this.exit(offset, retired, JIT_STATUS_END);
      return;
    }
    b.localGet(this.done).i32Const(retired).op(Op.i32_add).localSet(this.done);
    if (this.flow.isBackward(this.currentBlock, k)) {
      b.localGet(this.done).localGet(PARAM_BUDGET).op(Op.i32_ge_u).if();
      this.exit(offset, 0, JIT_STATUS_END);
      b.end();
    }
    this.flow.jump(this.currentBlock, k);
  }

  private local(map: Map<number, number>, r: number): number {
    let local = map.get(r);
    if (local === undefined) {
      local = this.b.addLocal(i64);
      map.set(r, local);
    }
    return local;
  }
}
