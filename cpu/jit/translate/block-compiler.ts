// Compiles a region — the blocks of one 4 KiB page reachable from an entry — into ONE WASM
// function `r(hb, dataKey, budget, entry, fetchKey) → status` (JIT_STATUS_*). Blocks jump to each
// other inside the function along the guest's own loops (region-flow.ts), so guest registers
// stay in WASM locals across the region: loaded once at entry, written back once by the single
// epilogue. The budget is checked at every jump back, so a loop inside the region still returns
// to the dispatcher in time to poll interrupts. pc values are relative to the page of HS_PC at
// entry, so the code is position independent and cached by physical address; privilege and
// translation mode come in with `dataKey`. Every exit leaves pc, instret and registers precise:
// the interpreter can take over at any instruction.
import { Mem, ModuleBuilder, Op, ValType, type FunctionBuilder } from '../wasm-emitter';
import type { Inst } from './decode';
import { BRANCH_OPS, LOAD_OPS, STORE_OPS } from './op-tables';
import { collectRegisterUse, isFp } from './block-analysis';
import { EmitContext, JIT_STATUS_END, PARAM_KEY, REGION_TYPE, CHAIN_TYPE } from './emit-context';
import { emitAlu } from './int-emitter';
import { emitLoadAddress, emitStore, NO_PAGE, type InstPlace } from './mem-emitter';
import { FpEmitter, fpuFunction, fpuSignature, TAKE_FLAGS } from './fp-emitter';
import { emitChainOrReturn, type RegionChain } from './region-chain';
import { RegionFlow } from './region-flow';
import { HS_FCSR, HS_MINSTRET, HS_MSTATUS, HS_PC, HS_F, HS_X } from '../../layout/hart-state';
import { WASM_MAX_PAGES } from '../../layout/wasm-memory';

export { JIT_STATUS_END, JIT_STATUS_INTERPRET, REGION_TYPE, CHAIN_TYPE } from './emit-context';

export interface BlockInst {
  inst: Inst;
  /** Byte offset in the page and encoded length. */
  offset: number;
  length: 2 | 4;
}

/** Straight-line instructions from page offset `start`; if the last one does not transfer
 * control the block continues at `endOffset`. */
export interface DecodedBlock {
  start: number;
  insts: readonly BlockInst[];
  endOffset: number;
}

/** Loads per region whose page translation is kept in locals (cacheLoopLoads). */
const MAX_CACHED_LOADS = 4;

/** Return points a JALR compares its target with before leaving the region. */
const MAX_RETURN_POINTS = 8;

export type { RegionChain } from './region-chain';

export interface CompiledRegion {
  /** Module exporting `r0`, `r1`… (one function per region); imports env.memory (and env.chain
   * when chained) and the FPU exports listed in `fpuImports`. */
  wasm: Uint8Array;
  fpuImports: string[];
}

/** The blocks of one page that make one region (block i is entry index i). */
export interface RegionBlocks {
  blocks: readonly DecodedBlock[];
  /** Exits tail-call the translated regions they lead to (region-chain.ts) through env.chain. */
  chain?: RegionChain;
}

/** Compiles regions into ONE module, region i as export `r${i}`: a module has a fixed cost
 * (≈ 0.1–0.3 ms to compile in V8 on the vCPU thread) that a batch pays once. */
export function compileRegions(regions: readonly RegionBlocks[], hb: number): CompiledRegion {
  const m = new ModuleBuilder();
  const names = new Set<string>();
  for (const { blocks } of regions) {
    for (const block of blocks) {
      for (const { inst } of block.insts) {
        if (inst.kind !== 'fp') continue;
        names.add(TAKE_FLAGS);
        const name = fpuFunction(inst);
        if (name) names.add(name);
      }
    }
  }
  const functions = new Map<string, number>();
  for (const name of names) functions.set(name, m.importFunction('fpu', name, fpuSignature(name)));
  m.importMemory({
    module: 'env',
    name: 'memory',
    minPages: 1,
    maxPages: WASM_MAX_PAGES,
    shared: true,
  });
  const chainFunction = regions.some((r) => r.chain)
    ? m.importFunction('env', 'chain', CHAIN_TYPE)
    : -1;
  regions.forEach(({ blocks, chain }, i) => {
    const fn = m.addFunction(REGION_TYPE);
    const next = chain && { chain, chainFunction };
    new RegionEmitter(fn.body, hb, blocks, (name) => functions.get(name)!, next).emit();
    m.exportFunction(`r${i}`, fn.index);
  });
  return { wasm: m.encode(), fpuImports: [...names] };
}

class RegionEmitter {
  private readonly c: EmitContext;
  private readonly fp: FpEmitter;
  private readonly indexOf = new Map<number, number>();
  private readonly returnPoints: number[] = [];

  constructor(
    private readonly b: FunctionBuilder,
    hb: number,
    private readonly blocks: readonly DecodedBlock[],
    private readonly fpu: (name: string) => number,
    private readonly next?: { chain: RegionChain; chainFunction: number },
  ) {
    this.c = new EmitContext(b, hb);
    this.fp = new FpEmitter(this.c, fpu);
    blocks.forEach((block, k) => this.indexOf.set(block.start, k));
    // Blocks that follow a call (JAL/JALR with a link): where returns of this region land.
    for (const block of blocks) {
      const last = block.insts[block.insts.length - 1]?.inst;
      const links = (last?.kind === 'jal' || last?.kind === 'jalr') && last.rd !== 0;
      if (
        links &&
        this.indexOf.has(block.endOffset) &&
        this.returnPoints.length < MAX_RETURN_POINTS
      ) {
        this.returnPoints.push(block.endOffset);
      }
    }
  }

  emit(): void {
    const { b, c } = this;
    const insts = this.blocks.flatMap((block) => block.insts.map((bi) => bi.inst));
    const use = collectRegisterUse(insts);
    const xs = [...new Set([...use.xr, ...use.xw])];
    const fs = [...new Set([...use.fr, ...use.fw])];
    for (const r of xs)
      b.i32Const(0)
        .mem(Mem.i64_load, c.hb + HS_X + r * 8)
        .localSet(c.xLocal(r));
    for (const r of fs)
      b.i32Const(0)
        .mem(Mem.i64_load, c.hb + HS_F + r * 8)
        .localSet(c.fLocal(r));
    b.i32Const(0)
      .mem(Mem.i64_load, c.hb + HS_PC)
      .i64Const(~0xfffn)
      .op(Op.i64_and);
    b.localSet(c.base);
    b.localGet(PARAM_KEY).op(Op.i64_extend_i32_u).localSet(c.key64);
    if (insts.some(isFp)) {
      b.i32Const(0)
        .mem(Mem.i32_load, c.hb + HS_MSTATUS)
        .i32Const(0x6000)
        .op(Op.i32_and);
      b.op(Op.i32_eqz).localSet(c.fpBad);
      b.i32Const(0)
        .mem(Mem.i32_load, c.hb + HS_FCSR)
        .i32Const(5)
        .op(Op.i32_shr_u);
      b.i32Const(7).op(Op.i32_and).localTee(c.frm).i32Const(4).op(Op.i32_gt_u);
      b.localGet(c.fpBad).op(Op.i32_or).localSet(c.dynBad);
      // fflags.NX (bit 0) is sticky: set now, it stays set for the whole call (fp-fast-path.ts).
      b.i32Const(0)
        .mem(Mem.i32_load, c.hb + HS_FCSR)
        .i32Const(1)
        .op(Op.i32_and);
      b.localTee(c.fastStaticRm).localGet(c.frm).op(Op.i32_eqz, Op.i32_and);
      b.localSet(c.fastDynamicRm);
    }
    b.block();
    c.exitDepth = b.openBlocks;
    const returns = new Set<number>();
    this.blocks.forEach((block, k) => {
      if (block.insts[block.insts.length - 1]!.inst.kind === 'jalr') returns.add(k);
    });
    const successors = this.blocks.map((block) => this.successors(block));
    c.flow = new RegionFlow(b, c.next, successors, returns);
    this.cacheLoopLoads();
    c.flow.emit((k) => {
      c.currentBlock = k;
      this.emitBlock(this.blocks[k]!);
    });
    b.end();
    this.epilogue(
      use.xw,
      use.fw,
      insts.some((i) => i.kind === 'fp'),
    );
  }

  /** Gives the loads of the region's innermost loops a page translation cache (mem-emitter.ts),
   * set to NO_PAGE here at entry: it lasts one call. Not in a loop that calls or returns (it
   * leaves the function every turn: only the refill would be paid), and at most
   * MAX_CACHED_LOADS per region, deepest loops first — each holds two registers across its loop
   * (in-process A/B: crc32 ≈ +50 %, the others within noise; caching stores the same way gained
   * nothing measurable on sort or intmix). */
  private cacheLoopLoads(): void {
    const { b, c } = this;
    const loops = new Map<number, { depth: number; loads: string[] }>();
    const leaving = new Set<number>();
    this.blocks.forEach((block, k) => {
      const holding = c.flow.loopsHolding(k);
      const loop = holding[holding.length - 1];
      if (loop === undefined) return;
      const loads = loops.get(loop)?.loads ?? [];
      loops.set(loop, { depth: holding.length, loads });
      const last = block.insts[block.insts.length - 1]!.inst;
      if (last.kind === 'jalr' || (last.kind === 'jal' && last.rd !== 0)) leaving.add(loop);
      block.insts.forEach(({ inst }, index) => {
        if (inst.kind === 'load' || inst.kind === 'fload') loads.push(`${k}:${index}`);
      });
    });
    // Deepest loops first: most likely the hottest.
    const order = [...loops].filter(([loop]) => !leaving.has(loop));
    order.sort(([, x], [, y]) => y.depth - x.depth || x.loads.length - y.loads.length);
    let cached = 0;
    for (const [, { loads }] of order) {
      if (cached + loads.length > MAX_CACHED_LOADS) continue;
      cached += loads.length;
      for (const key of loads) {
        const cache = { page: b.addLocal(ValType.i64), addend: b.addLocal(ValType.i64) };
        c.loadCaches.set(key, cache);
        b.i64Const(NO_PAGE).localSet(cache.page);
      }
    }
  }

  /** The blocks of the region `block` may continue at, the one to lay out right after it last:
   * a branch's fall-through, unless the branch goes back — then, most likely, the body of a loop
   * whose test is at its bottom, which belongs right after the test. */
  private successors(block: DecodedBlock): number[] {
    const { inst, offset, length } = block.insts[block.insts.length - 1]!;
    let offsets: number[];
    if (inst.kind === 'branch') {
      const taken = offset + Number(inst.imm);
      offsets = taken < offset ? [offset + length, taken] : [taken, offset + length];
    } else if (inst.kind === 'jal') offsets = [offset + Number(inst.imm)];
    else if (inst.kind === 'jalr') offsets = this.returnPoints;
    else offsets = [block.endOffset];
    return offsets.map((o) => this.indexOf.get(o)).filter((k) => k !== undefined);
  }

  private epilogue(xw: number[], fw: number[], takeFlags: boolean): void {
    const { b, c } = this;
    for (const r of xw)
      b.i32Const(0)
        .localGet(c.xLocal(r))
        .mem(Mem.i64_store, c.hb + HS_X + r * 8);
    for (const r of fw)
      b.i32Const(0)
        .localGet(c.fLocal(r))
        .mem(Mem.i64_store, c.hb + HS_F + r * 8);
    b.localGet(c.base).localGet(c.exitPc).op(Op.i64_add).localSet(c.exitPc);
    b.i32Const(0)
      .localGet(c.exitPc)
      .mem(Mem.i64_store, c.hb + HS_PC);
    b.i32Const(0)
      .i32Const(0)
      .mem(Mem.i64_load, c.hb + HS_MINSTRET);
    b.localGet(c.exitRetired)
      .op(Op.i64_extend_i32_u, Op.i64_add)
      .mem(Mem.i64_store, c.hb + HS_MINSTRET);
    if (takeFlags) {
      b.i32Const(0)
        .i32Const(0)
        .mem(Mem.i64_load, c.hb + HS_FCSR);
      b.call(this.fpu(TAKE_FLAGS))
        .op(Op.i64_extend_i32_u, Op.i64_or)
        .mem(Mem.i64_store, c.hb + HS_FCSR);
    }
    if (this.next) emitChainOrReturn(c, this.next.chain, this.next.chainFunction);
    else b.localGet(c.status);
  }

  private emitBlock(block: DecodedBlock): void {
    let transferred = false;
    block.insts.forEach((bi, index) => {
      transferred = this.emitInst(bi, { offset: bi.offset, length: bi.length, index });
    });
    if (!transferred) this.transfer(block.endOffset, block.insts.length);
  }

  /** JALR (usually a return): if the target is a call's return point in this region, stay
   * inside the function instead of going back to the dispatcher. */
  private returnToRegion(retired: number): void {
    const { b, c } = this;
    if (this.returnPoints.length === 0) return;
    b.localGet(c.target).localGet(c.base).op(Op.i64_sub).localSet(c.a64);
    for (const offset of this.returnPoints) {
      b.localGet(c.a64).i64Const(BigInt(offset)).op(Op.i64_eq).if();
      this.transfer(offset, retired);
      b.end();
    }
  }

  private transfer(offset: number, retired: number): void {
    this.c.transfer(offset, retired, (o) => this.indexOf.get(o));
  }

  /** Emits one instruction; returns true if it ended the block with its own transfers. */
  private emitInst({ inst }: BlockInst, at: InstPlace): boolean {
    const { b, c } = this;
    const next = at.offset + at.length;
    switch (inst.kind) {
      case 'alu':
        emitAlu(
          c,
          inst.op,
          inst.word,
          () => c.get(inst.rs1),
          () => c.get(inst.rs2),
        );
        c.set(inst.rd);
        return false;
      case 'alui':
        emitAlu(
          c,
          inst.op,
          inst.word,
          () => c.get(inst.rs1),
          () => b.i64Const(inst.imm),
        );
        c.set(inst.rd);
        return false;
      case 'lui':
        b.i64Const(inst.imm);
        c.set(inst.rd);
        return false;
      case 'auipc':
        c.pcAt(at.offset, inst.imm);
        c.set(inst.rd);
        return false;
      case 'fence':
        return false;
      case 'load':
        emitLoadAddress(c, inst.rs1, inst.imm, inst.size, at);
        b.mem(LOAD_OPS[`${inst.size}${inst.signed ? 's' : 'u'}`]!, 0, 0);
        c.set(inst.rd);
        return false;
      case 'store':
        emitStore(
          c,
          inst.rs1,
          inst.imm,
          inst.size,
          STORE_OPS[inst.size]!,
          () => c.get(inst.rs2),
          at,
        );
        return false;
      case 'fload':
      case 'fstore':
      case 'fp':
        this.fp.emit(inst, at);
        return false;
      case 'jal':
        c.pcAt(next);
        c.set(inst.rd);
        this.transfer(at.offset + Number(inst.imm), at.index + 1);
        return true;
      case 'jalr':
        c.get(inst.rs1).i64Const(inst.imm).op(Op.i64_add).i64Const(-2n).op(Op.i64_and);
        b.localSet(c.target);
        c.pcAt(next);
        c.set(inst.rd);
        this.returnToRegion(at.index + 1);
        c.exit(() => b.localGet(c.target), at.index + 1, JIT_STATUS_END);
        return true;
      case 'branch':
        c.get(inst.rs1);
        c.get(inst.rs2);
        b.op(BRANCH_OPS[inst.op]).if();
        this.transfer(at.offset + Number(inst.imm), at.index + 1);
        b.end();
        this.transfer(next, at.index + 1);
        return true;
    }
  }
}
