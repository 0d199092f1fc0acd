// Compiles decoded basic blocks into a WASM module; each block is an exported function
// `(hb: i32, dataKey: i32, budget: i32) → i32` (hart block base, TLB tag key, instruction budget
// → JIT_STATUS_*). A block whose last branch or jump goes back
// to its own start becomes a WASM loop that iterates until `budget` instructions have retired.
// Guest registers live in WASM locals inside the block (loaded at entry when read, written back
// at every exit); pc values are relative to HS_PC read at entry, so the code is position
// independent and can be cached by physical address. Every exit writes back pc and instret, so
// state is precise wherever the block leaves: the interpreter can take over at any instruction.
import { FunctionBuilder, Mem, ModuleBuilder, Op, ValType, Atomic } from '../wasm-emitter';
import type { AluOp, Inst } from './decode';
import { emitMulHigh } from './mul-high';
import { emitDivide } from './divide';
import { ALU32, ALU64, BRANCH_OPS, LOAD_OPS, STORE_OPS } from './op-tables';
import { jumpsToStart, readRegisters, writtenRegisters } from './block-analysis';
import { HS_MINSTRET, HS_PC, HS_TLB_LOAD, HS_TLB_STORE, HS_X } from '../../layout/hart-state';
import { GUEST_RAM_WASM_BASE, WASM_MAX_PAGES } from '../../layout/wasm-memory';
import { JIT_CODE_BITMAP } from '../jit-layout';

/** Block results: low two bits are the status; for JIT_STATUS_CODE_WRITE the rest is the page. */
export const JIT_STATUS_END = 0;
/** The interpreter must execute the instruction at HS_PC (TLB miss, page cross, unsupported). */
export const JIT_STATUS_INTERPRET = 1;
/** A store hit a page holding translated code: result >> 2 is its RAM page index. */
export const JIT_STATUS_CODE_WRITE = 2;

export interface BlockInst {
  inst: Inst;
  /** Byte offset from the block start and encoded length. */
  offset: number;
  length: 2 | 4;
}

const { i32, i64 } = ValType;
const PAGE_MASK = ~0xfffn;

/** One decoded block: straight-line instructions; if the last one does not transfer control the
 * block falls through to `endOffset`, with `endStatus` telling the dispatcher what comes next. */
export interface DecodedBlock {
  insts: readonly BlockInst[];
  endOffset: number;
  endStatus: number;
}

/** Compiles blocks into one module exporting `b0`, `b1`, … in order (one compile and one
 * instantiation for a whole region: both cost far more than the code itself). */
export function compileBlocks(blocks: readonly DecodedBlock[]): Uint8Array {
  const m = new ModuleBuilder();
  m.importMemory({
    module: 'env',
    name: 'memory',
    minPages: 1,
    maxPages: WASM_MAX_PAGES,
    shared: true,
  });
  blocks.forEach((block, i) => {
    const fn = m.addFunction({ params: [i32, i32, i32], results: [i32] });
    new BlockEmitter(fn.body, block.insts).emit(block.endOffset, block.endStatus);
    m.exportFunction(`b${i}`, fn.index);
  });
  return m.encode();
}

/** A single block as a module exporting `b0`. */
export function compileBlock(
  insts: readonly BlockInst[],
  endOffset: number,
  endStatus: number,
): Uint8Array {
  return compileBlocks([{ insts, endOffset, endStatus }]);
}

class BlockEmitter {
  private readonly hb = 0;
  private readonly key = 1;
  private readonly budget = 2;
  /** Instructions retired by completed loop iterations. */
  private readonly iter: number;
  private readonly base: number;
  private readonly key64: number;
  private readonly va: number;
  private readonly entry: number;
  private readonly addr: number;
  private readonly page: number;
  private readonly target: number;
  private readonly a64: number;
  private readonly t1: number;
  private readonly t2: number;
  private readonly b64: number;
  private readonly a32: number;
  private readonly b32: number;
  private readonly regs = new Map<number, number>();
  private readonly dirty = new Set<number>();

  constructor(
    private readonly b: FunctionBuilder,
    private readonly insts: readonly BlockInst[],
  ) {
    this.base = b.addLocal(i64);
    this.iter = b.addLocal(i64);
    this.key64 = b.addLocal(i64);
    this.va = b.addLocal(i64);
    this.target = b.addLocal(i64);
    this.a64 = b.addLocal(i64);
    this.t1 = b.addLocal(i64);
    this.t2 = b.addLocal(i64);
    this.b64 = b.addLocal(i64);
    this.entry = b.addLocal(i32);
    this.addr = b.addLocal(i32);
    this.page = b.addLocal(i32);
    this.a32 = b.addLocal(i32);
    this.b32 = b.addLocal(i32);
  }

  emit(endOffset: number, endStatus: number): void {
    const b = this.b;
    b.localGet(this.hb).mem(Mem.i64_load, HS_PC).localSet(this.base);
    b.localGet(this.key).op(Op.i64_extend_i32_u).localSet(this.key64);
    // In a looping block an early exit in a later iteration must also write back registers
    // written further down in earlier ones: load everything it touches and treat every
    // written register as dirty from the start.
    const loops = jumpsToStart(this.insts);
    const written = writtenRegisters(this.insts);
    const loaded = new Set(readRegisters(this.insts));
    if (loops) for (const r of written) loaded.add(r);
    for (const r of [...loaded].sort((x, y) => x - y)) {
      b.localGet(this.hb)
        .mem(Mem.i64_load, HS_X + r * 8)
        .localSet(this.reg(r));
    }
    if (loops) for (const r of written) this.dirty.add(r);
    b.loop();
    let transferred = false;
    this.insts.forEach((bi, k) => {
      transferred = this.emitInst(bi, k);
    });
    if (!transferred) this.exit(() => this.pcAt(endOffset), this.insts.length, endStatus);
    b.end().op(Op.unreachable); // every path returned inside the loop
  }

  /** Taken path of a jump to the block's own start: iterate while the budget lasts. */
  private loopBack(): void {
    const b = this.b;
    b.localGet(this.iter).i64Const(BigInt(this.insts.length)).op(Op.i64_add).localTee(this.iter);
    b.localGet(this.budget).op(Op.i64_extend_i32_u, Op.i64_lt_u);
    b.brIf(b.openBlocks - 1); // the loop is the outermost block
    this.exit(() => this.pcAt(0), 0, JIT_STATUS_END);
  }

  /** Emits one instruction; returns true if it ended the block with its own exits. */
  private emitInst({ inst, offset, length }: BlockInst, k: number): boolean {
    const b = this.b;
    switch (inst.kind) {
      case 'alu':
        this.alu(
          inst.op,
          inst.word,
          () => this.get(inst.rs1),
          () => this.get(inst.rs2),
        );
        this.set(inst.rd);
        return false;
      case 'alui':
        this.alu(
          inst.op,
          inst.word,
          () => this.get(inst.rs1),
          () => b.i64Const(inst.imm),
        );
        this.set(inst.rd);
        return false;
      case 'lui':
        b.i64Const(inst.imm);
        this.set(inst.rd);
        return false;
      case 'auipc':
        this.pcAt(offset, inst.imm);
        this.set(inst.rd);
        return false;
      case 'fence':
        return false;
      case 'load':
        this.translateAddress(inst.rs1, inst.imm, inst.size, HS_TLB_LOAD, offset, k);
        b.localGet(this.va)
          .localGet(this.entry)
          .mem(Mem.i64_load, HS_TLB_LOAD + 8)
          .op(Op.i64_add);
        b.op(Op.i32_wrap_i64).mem(LOAD_OPS[`${inst.size}${inst.signed ? 's' : 'u'}`]!, 0, 0);
        this.set(inst.rd);
        return false;
      case 'store':
        this.store(inst.rs1, inst.rs2, inst.imm, inst.size, offset, length, k);
        return false;
      case 'jal':
        this.pcAt(offset, BigInt(length));
        this.set(inst.rd);
        if (jumpsToStart(this.insts)) this.loopBack();
        else this.exit(() => this.pcAt(offset, inst.imm), k + 1, JIT_STATUS_END);
        return true;
      case 'jalr':
        this.get(inst.rs1).i64Const(inst.imm).op(Op.i64_add).i64Const(-2n).op(Op.i64_and);
        b.localSet(this.target);
        this.pcAt(offset, BigInt(length));
        this.set(inst.rd);
        this.exit(() => b.localGet(this.target), k + 1, JIT_STATUS_END);
        return true;
      case 'branch':
        this.get(inst.rs1);
        this.get(inst.rs2);
        b.op(BRANCH_OPS[inst.op]).if();
        if (jumpsToStart(this.insts)) this.loopBack();
        else this.exit(() => this.pcAt(offset, inst.imm), k + 1, JIT_STATUS_END);
        b.end();
        this.exit(() => this.pcAt(offset, BigInt(length)), k + 1, JIT_STATUS_END);
        return true;
    }
  }

  private store(
    rs1: number,
    rs2: number,
    imm: bigint,
    size: number,
    offset: number,
    length: number,
    k: number,
  ): void {
    const b = this.b;
    this.translateAddress(rs1, imm, size, HS_TLB_STORE, offset, k);
    b.localGet(this.va)
      .localGet(this.entry)
      .mem(Mem.i64_load, HS_TLB_STORE + 8)
      .op(Op.i64_add);
    b.op(Op.i32_wrap_i64).localTee(this.addr);
    this.get(rs2).mem(STORE_OPS[size]!, 0, 0);
    // Self-modifying code: a store into a page with translated code ends the block so the
    // dispatcher can invalidate that page before anything else runs.
    b.localGet(this.addr)
      .i32Const(GUEST_RAM_WASM_BASE)
      .op(Op.i32_sub)
      .i32Const(12)
      .op(Op.i32_shr_u);
    b.localTee(this.page).i32Const(5).op(Op.i32_shr_u).i32Const(2).op(Op.i32_shl);
    b.atomic(Atomic.i32_load, JIT_CODE_BITMAP);
    b.i32Const(1).localGet(this.page).op(Op.i32_shl, Op.i32_and).if();
    this.exit(
      () => this.pcAt(offset, BigInt(length)),
      k + 1,
      () => {
        b.localGet(this.page)
          .i32Const(2)
          .op(Op.i32_shl)
          .i32Const(JIT_STATUS_CODE_WRITE)
          .op(Op.i32_or);
      },
    );
    b.end();
  }

  /** va = rs1 + imm; entry = TLB slot; exits to the interpreter unless the TLB holds the page
   * for the current data key and the access stays inside it. */
  private translateAddress(
    rs1: number,
    imm: bigint,
    size: number,
    tlb: number,
    offset: number,
    k: number,
  ): void {
    const b = this.b;
    this.get(rs1).i64Const(imm).op(Op.i64_add).localTee(this.va);
    b.i64Const(12n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32Const(255).op(Op.i32_and);
    b.i32Const(4).op(Op.i32_shl).localGet(this.hb).op(Op.i32_add).localTee(this.entry);
    b.mem(Mem.i64_load, tlb);
    b.localGet(this.va)
      .i64Const(PAGE_MASK)
      .op(Op.i64_and)
      .localGet(this.key64)
      .op(Op.i64_or, Op.i64_ne);
    b.localGet(this.va).op(Op.i32_wrap_i64).i32Const(0xfff).op(Op.i32_and);
    b.i32Const(4096 - size)
      .op(Op.i32_gt_u, Op.i32_or)
      .if();
    this.exit(() => this.pcAt(offset), k, JIT_STATUS_INTERPRET);
    b.end();
  }

  private alu(op: AluOp, word: boolean, lhs: () => void, rhs: () => void): void {
    const b = this.b;
    if (op === 'slt' || op === 'sltu') {
      lhs();
      rhs();
      b.op(op === 'slt' ? Op.i64_lt_s : Op.i64_lt_u, Op.i64_extend_i32_u);
      return;
    }
    if (op === 'div' || op === 'divu' || op === 'rem' || op === 'remu') {
      const [x, y] = word ? [this.a32, this.b32] : [this.a64, this.b64];
      lhs();
      if (word) b.op(Op.i32_wrap_i64);
      b.localSet(x);
      rhs();
      if (word) b.op(Op.i32_wrap_i64);
      b.localSet(y);
      emitDivide(b, op, word, x, y);
      return;
    }
    if (op === 'mulh' || op === 'mulhsu' || op === 'mulhu') {
      lhs();
      b.localSet(this.a64);
      rhs();
      b.localSet(this.b64);
      emitMulHigh(b, op, this.a64, this.b64, this.t1, this.t2);
      return;
    }
    if (word) {
      lhs();
      b.op(Op.i32_wrap_i64);
      rhs();
      b.op(Op.i32_wrap_i64, ALU32[op]!, Op.i64_extend_i32_s);
      return;
    }
    lhs();
    rhs();
    b.op(ALU64[op]!);
  }

  /** Writes back dirty registers, pc and instret, then returns `status`. */
  private exit(pushPc: () => void, retired: number, status: number | (() => void)): void {
    const b = this.b;
    for (const r of [...this.dirty].sort((x, y) => x - y)) {
      b.localGet(this.hb)
        .localGet(this.reg(r))
        .mem(Mem.i64_store, HS_X + r * 8);
    }
    b.localGet(this.hb);
    pushPc();
    b.mem(Mem.i64_store, HS_PC);
    b.localGet(this.hb).localGet(this.hb).mem(Mem.i64_load, HS_MINSTRET).localGet(this.iter);
    if (retired > 0) b.i64Const(BigInt(retired)).op(Op.i64_add);
    b.op(Op.i64_add).mem(Mem.i64_store, HS_MINSTRET);
    if (typeof status === 'number') b.i32Const(status);
    else status();
    b.op(Op.return);
  }

  private pcAt(offset: number, plus = 0n): void {
    this.b
      .localGet(this.base)
      .i64Const(BigInt(offset) + plus)
      .op(Op.i64_add);
  }

  private reg(r: number): number {
    let local = this.regs.get(r);
    if (local === undefined) {
      local = this.b.addLocal(i64);
      this.regs.set(r, local);
    }
    return local;
  }

  private get(r: number): FunctionBuilder {
    return r === 0 ? this.b.i64Const(0n) : this.b.localGet(this.reg(r));
  }

  /** Pops the value on the stack into rd (dropped for x0). */
  private set(rd: number): void {
    if (rd === 0) {
      this.b.op(Op.drop);
      return;
    }
    this.b.localSet(this.reg(rd));
    this.dirty.add(rd);
  }
}
