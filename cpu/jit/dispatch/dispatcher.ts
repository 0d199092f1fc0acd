// Emits the dispatcher: one small WASM module per hart whose `dispatch(budget) → i32` runs the
// hart without leaving WebAssembly. It imports the shared memory, the hart's function table of
// translated regions and the CPU's run() / TLB keys, and loops: poll interrupts with run(hart, 0)
// every poll interval (as the interpreter does), find the physical pc through the fetch TLB,
// look it up in the hash (dispatch-layout.ts), then call_indirect the region or let run(hart, n)
// interpret cold code. It returns to TypeScript only for what needs it: an exit reason of run()
// other than budget, or a request (DISPATCH_*) — translate, install a hash entry, invalidate.
import { Atomic, Mem, ModuleBuilder, Op, ValType, type FunctionBuilder } from '../wasm-emitter';
import * as H from '../../layout/hart-state';
import { GUEST_RAM_WASM_BASE, WASM_MAX_PAGES } from '../../layout/wasm-memory';
import { EXIT_JIT_HOT } from '../../layout/exit-reasons';
import { JIT_CODE_BITMAP, JIT_CODE_GENERATION, JIT_STORE_RACES } from '../jit-layout';
import { JIT_STATUS_INTERPRET, REGION_TYPE, CHAIN_TYPE } from '../translate/block-compiler';
import * as D from './dispatch-layout';

const { i32, i64 } = ValType;

export interface DispatcherOptions {
  hart: number;
  /** Hart state block address. */
  hb: number;
  area: D.DispatchArea;
  pollInterval: number;
  /** The CPU invalidates translated pages on its own stores (jit_tracks_code_stores). */
  storesTracked: boolean;
  /** Initial size of the imported table. */
  tableSize: number;
  /** Mixed mode: interpreter batches count branch targets and stop before one whose count
   * reached the threshold in the header's HDR_HEAT_LIMIT (jit_interpret's heat,
   * cpu/assembly/branch-heat.ts), which is then translated. */
  countsHeat?: boolean;
  /** Hash value to install by itself on a miss in a page without translations (mixed mode
   * with the CPU's store hook: cold batches then depend on nothing TypeScript decides). */
  coldEntry?: number;
}

/** The dispatcher module: imports cpu.run (interrupt polls), cpu.interpret (interpreter
 * batches: jit_interpret), cpu.tlb_fetch_key, cpu.tlb_data_key, env.memory, env.table; exports
 * dispatch and chain. */
export function buildDispatcher(o: DispatcherOptions): Uint8Array {
  const m = new ModuleBuilder();
  const run = m.importFunction('cpu', 'run', { params: [i32, i32], results: [i32] });
  const interpret = m.importFunction('cpu', 'interpret', {
    params: [i32, i32, i32],
    results: [i32],
  });
  const fetchKey = m.importFunction('cpu', 'tlb_fetch_key', { params: [], results: [i64] });
  const dataKey = m.importFunction('cpu', 'tlb_data_key', { params: [], results: [i64] });
  m.importMemory({
    module: 'env',
    name: 'memory',
    minPages: 1,
    maxPages: WASM_MAX_PAGES,
    shared: true,
  });
  m.importTable({ module: 'env', name: 'table', min: o.tableSize });
  const regionType = m.typeIndex(REGION_TYPE);
  const fn = m.addFunction({ params: [i32], results: [i32] });
  new DispatcherEmitter(fn.body, o, { run, interpret, fetchKey, dataKey, regionType }).emit();
  m.exportFunction('dispatch', fn.index);
  // chain(region's parameters…, slot): regions tail-call their successors through this, so they
  // need not import the table (translate/region-chain.ts).
  const chain = m.addFunction(CHAIN_TYPE);
  for (let i = 0; i < CHAIN_TYPE.params.length; i++) chain.body.localGet(i);
  chain.body.returnCallIndirect(regionType);
  m.exportFunction('chain', chain.index);
  return m.encode();
}

interface Imports {
  run: number;
  interpret: number;
  fetchKey: number;
  dataKey: number;
  regionType: number;
}

class DispatcherEmitter {
  private readonly budget = 0;
  private readonly left: number;
  private readonly since: number;
  private readonly r: number;
  private readonly fkey: number;
  private readonly dkey: number;
  private readonly pc: number;
  private readonly oldPc: number;
  private readonly e: number;
  private readonly w: number;
  private readonly slot: number;
  private readonly v: number;
  private readonly n: number;
  private readonly before: number;
  private readonly st: number;
  private readonly exc: number;
  private readonly translated: number;
  private readonly interpreted: number;
  private readonly runs: number;
  /** 1 after a batch stopped before a hot target (EXIT_JIT_HOT): translate it. */
  private readonly hot: number;
  /** openBlocks inside the main loop. */
  private loopDepth = 0;

  constructor(
    private readonly b: FunctionBuilder,
    private readonly o: DispatcherOptions,
    private readonly f: Imports,
  ) {
    this.left = b.addLocal(i32);
    this.since = b.addLocal(i32);
    this.r = b.addLocal(i32);
    this.dkey = b.addLocal(i32);
    this.e = b.addLocal(i32);
    this.w = b.addLocal(i32);
    this.slot = b.addLocal(i32);
    this.v = b.addLocal(i32);
    this.n = b.addLocal(i32);
    this.st = b.addLocal(i32);
    this.exc = b.addLocal(i32);
    this.translated = b.addLocal(i32);
    this.interpreted = b.addLocal(i32);
    this.runs = b.addLocal(i32);
    this.hot = b.addLocal(i32);
    this.fkey = b.addLocal(i64);
    this.pc = b.addLocal(i64);
    this.oldPc = b.addLocal(i64);
    this.before = b.addLocal(i64);
  }

  emit(): void {
    const { b, o } = this;
    const hdr = o.area.header;
    b.localGet(this.budget).localSet(this.left);
    this.callRun(0);
    this.returnIfExit();
    this.refreshKeys();
    b.loop();
    this.loopDepth = b.openBlocks;
    // Budget spent?
    b.localGet(this.left).i32Const(0).op(Op.i32_le_s).if();
    this.leave(() => b.i32Const(0));
    b.end();
    // Poll interrupts and the control word every poll interval.
    b.localGet(this.since).i32Const(o.pollInterval).op(Op.i32_ge_s).if();
    b.i32Const(0).localSet(this.since);
    b.i32Const(0).localSet(this.hot); // an interrupt may move pc: `hot` was about the old one
    this.callRun(0);
    this.returnIfExit();
    this.refreshKeys();
    b.end();
    // Another hart (or this one) wrote into translated code: TypeScript drops those pages.
    b.i32Const(0).atomic(Atomic.i32_load, JIT_CODE_GENERATION);
    b.i32Const(0)
      .mem(Mem.i32_load, hdr + D.HDR_GENERATION)
      .op(Op.i32_ne)
      .if();
    this.leave(() => b.i32Const(D.DISPATCH_GENERATION));
    b.end();
    if (o.storesTracked) {
      // A page was marked as code while this hart's store TLB mapped it: it is past that store.
      b.i32Const(0)
        .atomic(Atomic.i32_load, JIT_STORE_RACES + 4 * o.hart)
        .if();
      this.leave(() => b.i32Const(D.DISPATCH_STORE_RACE));
      b.end();
    }
    // Physical pc through the fetch TLB; a miss is one interpreter step (which fills it).
    b.i32Const(0)
      .mem(Mem.i64_load, o.hb + H.HS_PC)
      .localSet(this.pc);
    this.fetch(this.pc);
    b.op(Op.i32_eqz).if();
    this.step();
    this.continue();
    b.end();
    // Hash entry.
    b.localGet(this.w).i32Const(1).op(Op.i32_shr_u).i32Const(D.HASH_MULTIPLIER).op(Op.i32_mul);
    b.i32Const(32 - o.area.bits)
      .op(Op.i32_shr_u)
      .i32Const(3)
      .op(Op.i32_shl);
    b.i32Const(o.area.entries).op(Op.i32_add).localTee(this.slot).mem(Mem.i32_load, 0);
    b.localGet(this.w).op(Op.i32_ne).if();
    if (o.coldEntry !== undefined) this.installCold(o.coldEntry);
    this.request(D.DISPATCH_MISS, () => b.localGet(this.w));
    b.end();
    b.localGet(this.slot).mem(Mem.i32_load, 4).localTee(this.v).i32Const(0).op(Op.i32_gt_s).if();
    this.runBlock();
    b.end();
    this.runCold();
    this.continue();
    b.end(); // loop
    b.op(Op.unreachable);
  }

  /** Calls the translated region of the entry in `v` for at most the budget to the next poll. */
  private runBlock(): void {
    const { b, o } = this;
    b.i32Const(0).localSet(this.hot);
    this.limit(() => b.localGet(this.left));
    b.i32Const(0)
      .mem(Mem.i64_load, o.hb + H.HS_MINSTRET)
      .localSet(this.before);
    b.i32Const(o.hb).localGet(this.dkey).localGet(this.n);
    b.localGet(this.v)
      .i32Const((1 << D.ENTRY_BITS) - 1)
      .op(Op.i32_and);
    b.localGet(this.fkey).op(Op.i32_wrap_i64);
    b.localGet(this.v).i32Const(D.ENTRY_BITS).op(Op.i32_shr_u);
    b.callIndirect(this.f.regionType).localSet(this.st);
    b.i32Const(0)
      .mem(Mem.i64_load, o.hb + H.HS_MINSTRET)
      .localGet(this.before);
    b.op(Op.i64_sub, Op.i32_wrap_i64).localSet(this.n); // n = retired
    this.account(this.translated);
    b.localGet(this.runs).i32Const(1).op(Op.i32_add).localSet(this.runs);
    b.localGet(this.st).i32Const(3).op(Op.i32_and).localTee(this.r);
    b.i32Const(JIT_STATUS_INTERPRET).op(Op.i32_eq).if();
    this.step();
    b.end();
    this.continue();
  }

  /** In a page TypeScript knows nothing about (code bitmap bit clear: no translations, no
   * entries it tracks), or anywhere with branch heat, install `value` for w here and carry on,
   * instead of asking. */
  private installCold(value: number): void {
    const b = this.b;
    // With branch heat anywhere: a translated block start whose entry is missing is hot for the
    // interpreter, which stops before it, and the next turn asks for it (runCold).
    if (!this.o.countsHeat) {
      b.localGet(this.w).i32Const(GUEST_RAM_WASM_BASE).op(Op.i32_sub);
      b.i32Const(12).op(Op.i32_shr_u);
      b.localTee(this.n).i32Const(5).op(Op.i32_shr_u).i32Const(2).op(Op.i32_shl);
      b.atomic(Atomic.i32_load, JIT_CODE_BITMAP);
      b.i32Const(1).localGet(this.n).op(Op.i32_shl, Op.i32_and, Op.i32_eqz).if();
    }
    b.localGet(this.slot).localGet(this.w).mem(Mem.i32_store, 0);
    b.localGet(this.slot).i32Const(value).mem(Mem.i32_store, 4);
    this.continue();
    if (!this.o.countsHeat) b.end();
  }

  /** Code the interpreter runs: translate it if the last batch found it hot; count a visit
   * (without the store hook), asking for translation when the heat is used up; run a batch. */
  private runCold(): void {
    const { b, o } = this;
    if (o.countsHeat) {
      // The last batch stopped before this pc: the interpreter counted it hot.
      b.localGet(this.hot).if();
      b.i32Const(0).localSet(this.hot);
      this.request(D.DISPATCH_TRANSLATE, () => b.localGet(this.w));
      b.end();
    }
    // v < 0: ~v = heat << COUNT_BITS | count
    b.localGet(this.v).i32Const(-1).op(Op.i32_xor).i32Const(D.COUNT_BITS).op(Op.i32_shr_u);
    b.op(Op.i32_eqz).if();
    this.request(D.DISPATCH_TRANSLATE, () => b.localGet(this.w));
    b.end();
    b.localGet(this.slot)
      .localGet(this.v)
      .i32Const(1 << D.COUNT_BITS)
      .op(Op.i32_add);
    b.mem(Mem.i32_store, 4); // one visit less: ~(c - 2^COUNT_BITS) = v + 2^COUNT_BITS
    this.limit(() => {
      b.localGet(this.v).i32Const(-1).op(Op.i32_xor).i32Const(D.MAX_COLD_COUNT).op(Op.i32_and);
      b.localGet(this.left);
      b.localGet(this.v).i32Const(-1).op(Op.i32_xor).i32Const(D.MAX_COLD_COUNT).op(Op.i32_and);
      b.localGet(this.left).op(Op.i32_lt_s, Op.select);
    });
    b.localGet(this.n).i32Const(1).op(Op.i32_le_s).if();
    this.step();
    this.continue();
    b.end();
    if (!o.storesTracked)
      b.i32Const(0)
        .mem(Mem.i32_load, o.hb + H.HS_COUNT_EXCEPTIONS)
        .localSet(this.exc);
    this.interpret(!!o.countsHeat);
    this.account(this.interpreted);
    this.refreshKeys();
    if (!o.storesTracked) {
      // A trap inside the batch ran its handler, which may have executed FENCE.I.
      b.i32Const(0)
        .mem(Mem.i32_load, o.hb + H.HS_COUNT_EXCEPTIONS)
        .localGet(this.exc);
      b.op(Op.i32_ne).if();
      this.leave(() => b.i32Const(D.DISPATCH_FLUSH));
      b.end();
    }
    this.returnIfExit();
  }

  /** n = min(pushed value, pollInterval - since). */
  private limit(push: () => void): void {
    const b = this.b;
    push();
    b.localSet(this.n);
    b.i32Const(this.o.pollInterval).localGet(this.since).op(Op.i32_sub).localTee(this.r);
    b.localGet(this.n).localGet(this.r).localGet(this.n).localGet(this.r);
    b.op(Op.i32_lt_s, Op.select).localSet(this.n);
  }

  /** left -= n; since += n; the statistics counter local `counter` += n. */
  private account(counter: number): void {
    const b = this.b;
    b.localGet(this.left).localGet(this.n).op(Op.i32_sub).localSet(this.left);
    b.localGet(this.since).localGet(this.n).op(Op.i32_add).localSet(this.since);
    b.localGet(counter).localGet(this.n).op(Op.i32_add).localSet(counter);
  }

  /** Adds the statistics counted in locals to the header (each below 2^31 per call: the
   * budget is an i32). */
  private flushCounters(): void {
    const b = this.b;
    const hdr = this.o.area.header;
    for (const [local, offset] of [
      [this.translated, D.HDR_TRANSLATED],
      [this.interpreted, D.HDR_INTERPRETED],
      [this.runs, D.HDR_BLOCK_RUNS],
    ] as const) {
      b.i32Const(0)
        .i32Const(0)
        .mem(Mem.i64_load, hdr + offset);
      b.localGet(local)
        .op(Op.i64_extend_i32_u, Op.i64_add)
        .mem(Mem.i64_store, hdr + offset);
    }
  }

  /** One interpreter step (which takes any trap or interrupt). Without the CPU's store hook,
   * FENCE.I makes TypeScript drop every translation. */
  private step(): void {
    const { b, o } = this;
    b.i32Const(0).localSet(this.hot); // it runs the instruction `hot` was about
    if (!o.storesTracked)
      b.i32Const(0)
        .mem(Mem.i64_load, o.hb + H.HS_PC)
        .localSet(this.oldPc);
    b.i32Const(1).localSet(this.n);
    this.interpret(false);
    this.account(this.interpreted);
    this.refreshKeys();
    if (!o.storesTracked) {
      this.fetch(this.oldPc); // the step filled the fetch TLB unless it faulted
      b.if();
      b.localGet(this.w).mem(Mem.i32_load16_u, 0, 0).i32Const(0x707f).op(Op.i32_and);
      b.i32Const(0x100f).op(Op.i32_eq).if();
      this.leave(() => b.i32Const(D.DISPATCH_FLUSH));
      b.end();
      b.end();
    }
    this.returnIfExit();
  }

  /** Lets the interpreter run a batch of at least n instructions (it ends the batch after the
   * next control transfer, see jit_interpret); then n = instructions retired, at least 1 so the
   * budget always shrinks. */
  private interpret(countHeat: boolean): void {
    const { b, o } = this;
    b.i32Const(0)
      .mem(Mem.i64_load, o.hb + H.HS_MINSTRET)
      .localSet(this.before);
    b.i32Const(o.hart).localGet(this.n);
    if (countHeat) b.i32Const(0).mem(Mem.i32_load, o.area.header + D.HDR_HEAT_LIMIT);
    else b.i32Const(0);
    b.call(this.f.interpret).localSet(this.r);
    if (countHeat) {
      // Stopped before a hot target: not an exit; the next turn asks for its translation.
      b.localGet(this.r).i32Const(EXIT_JIT_HOT).op(Op.i32_eq).if();
      b.i32Const(0).localSet(this.r);
      b.i32Const(1).localSet(this.hot);
      b.end();
    }
    b.i32Const(0)
      .mem(Mem.i64_load, o.hb + H.HS_MINSTRET)
      .localGet(this.before);
    b.op(Op.i64_sub, Op.i32_wrap_i64).localTee(this.n);
    b.i32Const(1).localGet(this.n).i32Const(1).op(Op.i32_gt_s, Op.select).localSet(this.n);
  }

  /** Pushes the wasm address of the instruction at `pcLocal` (also in local w), 0 on a miss. */
  private fetch(pcLocal: number): void {
    const { b, o } = this;
    b.localGet(pcLocal)
      .i64Const(12n)
      .op(Op.i64_shr_u, Op.i32_wrap_i64)
      .i32Const(255)
      .op(Op.i32_and);
    b.i32Const(4)
      .op(Op.i32_shl)
      .localTee(this.e)
      .mem(Mem.i64_load, o.hb + H.HS_TLB_FETCH);
    b.localGet(pcLocal)
      .i64Const(~0xfffn)
      .op(Op.i64_and)
      .localGet(this.fkey)
      .op(Op.i64_or, Op.i64_eq);
    b.if(i32);
    b.localGet(pcLocal).op(Op.i32_wrap_i64).localGet(this.e);
    b.mem(Mem.i32_load, o.hb + H.HS_TLB_FETCH + 8)
      .op(Op.i32_add)
      .localTee(this.w);
    b.i32Const(0).localGet(this.w).i32Const(GUEST_RAM_WASM_BASE).op(Op.i32_ge_u, Op.select);
    b.else().i32Const(0).end();
    b.localTee(this.w);
  }

  private callRun(budget: number): void {
    this.b.i32Const(this.o.hart).i32Const(budget).call(this.f.run).localSet(this.r);
  }

  /** run()'s result in r: anything but EXIT_BUDGET goes back to TypeScript. */
  private returnIfExit(): void {
    const b = this.b;
    b.localGet(this.r).if();
    this.leave(() => b.localGet(this.r));
    b.end();
  }

  /** The TLB keys can only change inside run(). */
  private refreshKeys(): void {
    const b = this.b;
    b.call(this.f.fetchKey).localSet(this.fkey);
    b.call(this.f.dataKey).op(Op.i32_wrap_i64).localSet(this.dkey);
  }

  private request(code: number, arg: () => void): void {
    const b = this.b;
    b.i32Const(0);
    arg();
    b.mem(Mem.i32_store, this.o.area.header + D.HDR_ARG);
    this.leave(() => b.i32Const(code));
  }

  /** Saves the budget left and the statistics, returns the pushed result. */
  private leave(result: () => void): void {
    const b = this.b;
    this.flushCounters();
    b.i32Const(0)
      .localGet(this.left)
      .mem(Mem.i32_store, this.o.area.header + D.HDR_LEFT);
    result();
    b.op(Op.return);
  }

  private continue(): void {
    this.b.br(this.b.openBlocks - this.loopDepth);
  }
}
