// Runs one hart with translated code. The loop itself is WebAssembly (dispatch/dispatcher.ts):
// it polls interrupts with run(hart, 0), calls translated regions through a table and lets the
// interpreter run everything else (system, CSR, atomics, TLB misses, MMIO, traps). TypeScript
// only answers the dispatcher's requests: translate a region, install a hash entry, invalidate
// pages written by a store (or raced by one, store-tlb-shootdown.ts), flush.
import type { CpuExports } from '../loader';
import {
  HART_STATE_BASE,
  HART_STRIDE,
  MACHINE_CONFIG_BASE,
  MAX_HARTS,
} from '../layout/wasm-memory';
import { HS_IN_WFI } from '../layout/hart-state';
import { CFG_NUM_HARTS, CFG_POLL_INTERVAL } from '../layout/machine-config';
import { CodeCache, TRACKED_BATCH } from './code-cache';
import { buildDispatcher } from './dispatch/dispatcher';
import { DispatchHash } from './dispatch/dispatch-hash';
import * as D from './dispatch/dispatch-layout';
import { takeStoreRace } from './store-tlb-shootdown';
import { MAX_BRANCH_HEAT_LIMIT, leakBranchHeat } from './branch-heat';

export interface JitStats {
  /** Instructions retired inside translated code. */
  translatedInstructions: number;
  /** Instructions the interpreter ran for the dispatcher. */
  interpretedSteps: number;
  /** Calls of translated regions by the dispatcher. */
  blockRuns: number;
  /** Returns from the WASM dispatcher to TypeScript (translation, hash misses, invalidation). */
  dispatcherExits: number;
  cacheSize: number;
  blocksCompiled: number;
  compileMs: number;
  wasmBytes: number;
  invalidatedPages: number;
  regionsCompiled: number;
  /** WebAssembly modules compiled (a batch of regions each in mixed mode). */
  modulesCompiled: number;
  flushes: number;
  /** Traps inside translated code (a JIT bug; the hart continued in the interpreter). */
  faults: number;
  /** Leaks of the heat table this hart made (mixed mode). */
  heatLeaks: number;
  /** Mixed mode: the hotness threshold in use (lower once the hart has settled); 0 otherwise. */
  heatThreshold: number;
}

/** The dispatcher's poll interval (interrupts, pause requests) in interpreter intervals. */
const JIT_POLL_FACTOR = 4;

/** Mixed mode: instructions this hart interprets between two leaks of the heat table, and the
 * share of the threshold each leak takes. The counts are instructions the interpreter ran from a
 * target (cpu/assembly/branch-heat.ts); with the leak a target becomes hot only while its runs
 * make more than threshold / HEAT_LEAK_DIVISOR / HEAT_LEAK_PERIOD of the instructions this hart
 * interprets (1.5 % at the default threshold), so the Linux boot's lukewarm code — run a few
 * thousand times, spread over the whole boot — stays with the interpreter, while a loop, however
 * long its body, is translated after `threshold` instructions (cpu/jit/README.md, Hotness). */
export const HEAT_LEAK_PERIOD = 1 << 20;
export const HEAT_LEAK_DIVISOR = 2;

/** A WFI sleep at least this long (ms), with every hart in WFI: the guest is idle (noteIdle).
 * The vCPU workers sleep at most 100 ms at a time; a guest idle at its prompt sleeps that long,
 * while a booting 2-hart Linux slept 11–20 ms with both harts in WFI. */
export const SETTLE_IDLE_MS = 50;

export interface JitOptions {
  /** Instructions the interpreter runs from a block start before it is translated (default 0:
   * translate before first run; colder code is run by the interpreter). */
  threshold?: number;
  /** Milliseconds clock for the compile-time statistic (default Date.now). */
  now?: () => number;
  /** The code cache's bounds (code-cache.ts; tests make them small). */
  maxRegions?: number;
  maxCompiledBytes?: number;
  /** Mixed mode: interpreted instructions between leaks of the heat table (default
   * HEAT_LEAK_PERIOD; 0: counts never leak). */
  heatLeakPeriod?: number;
  /** Mixed mode: the threshold once this hart has run `settleAfter` instructions (interpreted
   * and translated), or has found the whole machine idle (noteIdle), whichever comes first; by
   * default `threshold` throughout. */
  settledThreshold?: number;
  settleAfter?: number;
}

export class JitHart {
  readonly cache: CodeCache;
  /** The CPU module's own store path invalidates translated pages (exports
   * jit_tracks_code_stores): no FENCE.I flushes needed. */
  readonly storesTracked: boolean;
  private readonly hash: DispatchHash;
  private readonly dispatch: (budget: number) => number;
  private readonly words: Int32Array;
  private dispatcherExits = 0;
  private faults = 0;
  /** Mixed mode: what each leak takes off every count (0: no leak), and when it is due. */
  private heatLeak: number;
  private readonly heatLeakPeriod: number;
  /** Mixed mode: the threshold after settling and when (Infinity: never). */
  private readonly settledThreshold: number;
  private settleAfter: number;
  /** noteIdle saw the machine idle: settle at the next slice. */
  private idleSeen = false;
  /** Where each hart's in-WFI flag (HS_IN_WFI) is, as an index into words. */
  private readonly inWfiWords: number[];
  private nextHeatLeak: number;
  private heatLeaks = 0;

  constructor(
    private readonly cpu: CpuExports,
    memory: WebAssembly.Memory,
    private readonly hart: number,
    options: JitOptions = {},
  ) {
    const words = (this.words = new Int32Array(memory.buffer));
    const interval = words[(MACHINE_CONFIG_BASE + CFG_POLL_INTERVAL) >> 2]!;
    const harts = words[(MACHINE_CONFIG_BASE + CFG_NUM_HARTS) >> 2]!;
    this.inWfiWords = Array.from(
      { length: Math.min(Math.max(1, harts), MAX_HARTS) },
      (_, h) => (HART_STATE_BASE + h * HART_STRIDE + HS_IN_WFI) >> 2,
    );
    const exported = cpu as unknown as {
      jit_tracks_code_stores?: () => number;
    };
    const probe = exported.jit_tracks_code_stores;
    this.storesTracked = typeof probe === 'function' && probe() === 1;
    const area = D.dispatchArea(Math.max(1, harts), hart);
    this.hash = new DispatchHash(memory, area);
    // Counts live in 24 bits of a heat word (branch-heat.ts); settings allow at most 10^6.
    const threshold = Math.min(options.threshold ?? 0, MAX_BRANCH_HEAT_LIMIT);
    this.cache = new CodeCache(memory, cpu, this.hash, {
      threshold,
      storesTracked: this.storesTracked,
      hart,
      ...(options.now && { now: options.now }),
      ...(options.maxRegions !== undefined && { maxRegions: options.maxRegions }),
      ...(options.maxCompiledBytes !== undefined && { maxCompiledBytes: options.maxCompiledBytes }),
    });
    this.hash.generation = this.cache.dropStalePages();
    this.heatLeakPeriod = options.heatLeakPeriod ?? HEAT_LEAK_PERIOD;
    this.heatLeak =
      this.cache.countsBranches && this.heatLeakPeriod > 0
        ? Math.ceil(threshold / HEAT_LEAK_DIVISOR)
        : 0;
    this.nextHeatLeak = this.heatLeakPeriod;
    if (this.cache.countsBranches) this.hash.heatLimit = threshold;
    const settled = Math.min(options.settledThreshold ?? threshold, MAX_BRANCH_HEAT_LIMIT);
    this.settledThreshold = settled;
    this.settleAfter =
      this.cache.countsBranches && settled > 0 && settled !== threshold
        ? (options.settleAfter ?? 0)
        : Infinity;
    const wasm = buildDispatcher({
      hart,
      hb: HART_STATE_BASE + hart * HART_STRIDE,
      area,
      // A quarter as many polls as the interpreter makes (still a few µs apart at JIT speed):
      // 5–8 % on loops that stay in one region, which return at every poll.
      pollInterval: JIT_POLL_FACTOR * (interval > 0 ? interval : 1024),
      storesTracked: this.storesTracked,
      tableSize: this.cache.table.length,
      // Mixed mode with the store hook: long batches in pages TypeScript does not know need
      // no exit, and the interpreter counts branch targets to find hot code.
      ...(this.cache.countsBranches && {
        coldEntry: D.coldValue(D.MAX_HEAT, TRACKED_BATCH),
        countsHeat: true,
      }),
    });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
      cpu: {
        run: cpu.run,
        interpret: cpu.jit_interpret,
        tlb_fetch_key: cpu.tlb_fetch_key,
        tlb_data_key: cpu.tlb_data_key,
      },
      env: { memory, table: this.cache.table },
    });
    this.dispatch = instance.exports.dispatch as (budget: number) => number;
    this.cache.chain = instance.exports.chain as (...args: number[]) => number;
  }

  get stats(): JitStats {
    return {
      translatedInstructions: this.hash.counter(D.HDR_TRANSLATED),
      interpretedSteps: this.hash.counter(D.HDR_INTERPRETED),
      blockRuns: this.hash.counter(D.HDR_BLOCK_RUNS),
      dispatcherExits: this.dispatcherExits,
      cacheSize: this.cache.size,
      faults: this.faults,
      heatLeaks: this.heatLeaks,
      heatThreshold: this.cache.heatThreshold,
      ...this.cache.stats,
    };
  }

  /** Forget all translations (after restoring a snapshot into guest RAM). */
  flush(): void {
    this.cache.flush();
  }

  /** Like cpu.run(hart, budget): runs about `budget` instructions (the JIT stops at a block
   * boundary, possibly a few instructions later), returns an EXIT_* reason. */
  run(budget: number): number {
    if (this.heatLeak > 0) this.leakHeat();
    if (this.settleAfter !== Infinity && (this.idleSeen || this.executed() >= this.settleAfter)) {
      this.settle();
    }
    let left = budget;
    for (;;) {
      let result: number;
      try {
        result = this.dispatch(left);
        if (result >= 0) {
          // Before the VMM sees the exit (an SBI call may send an IPI): past any store.
          if (this.storesTracked) takeStoreRace(this.words, this.hart);
          return result;
        }
        this.dispatcherExits++;
        left = this.hash.left;
        this.answer(result, this.hash.arg);
      } catch {
        // A JIT bug (translated code trapped, a request failed) must never reach the VMM: drop
        // every translation and let the interpreter run this slice.
        this.faults++;
        this.cache.flush();
        return this.cpu.run(this.hart, Math.max(left, 0));
      }
    }
  }

  /** Instructions this hart has run in mixed mode, interpreted and translated. */
  private executed(): number {
    return this.hash.counter(D.HDR_INTERPRETED) + this.hash.counter(D.HDR_TRANSLATED);
  }

  /** The hart slept `ms` in WFI. After a long sleep (SETTLE_IDLE_MS) with every other hart in
   * WFI too, the whole guest had nothing to do: its start-up is over, and the hart settles. (A
   * booting SMP guest's harts also sleep while they wait for each other or for a tick, but
   * briefly, or while another hart runs.) */
  noteIdle(ms: number): void {
    if (ms < SETTLE_IDLE_MS || this.idleSeen || this.settleAfter === Infinity) return;
    // Sticky until the next slice settles: another hart may wake before that.
    this.idleSeen = this.inWfiWords.every((w, h) => h === this.hart || this.words[w] !== 0);
  }

  /** Switches to the settled threshold (and the leak that goes with it), once. */
  private settle(): void {
    this.settleAfter = Infinity;
    this.hash.heatLimit = this.settledThreshold;
    this.cache.setHeatThreshold(this.settledThreshold);
    if (this.heatLeak > 0) this.heatLeak = Math.ceil(this.settledThreshold / HEAT_LEAK_DIVISOR);
  }

  /** Leaks the heat table once per heatLeakPeriod instructions this hart interpreted (checked
   * between slices: a slice interprets at most its budget). */
  private leakHeat(): void {
    const interpreted = this.hash.counter(D.HDR_INTERPRETED);
    if (interpreted < this.nextHeatLeak) return;
    this.nextHeatLeak = interpreted + this.heatLeakPeriod;
    leakBranchHeat(this.words, this.heatLeak);
    this.heatLeaks++;
  }

  /** Does what the dispatcher asked (`arg`: a wasm pc or a page, see dispatch-layout.ts). */
  private answer(request: number, arg: number): void {
    switch (request) {
      case D.DISPATCH_MISS:
        this.cache.miss(arg);
        break;
      case D.DISPATCH_TRANSLATE:
        this.cache.hot(arg);
        break;
      case D.DISPATCH_STORE_RACE:
        takeStoreRace(this.words, this.hart);
        this.hash.generation = this.cache.dropStalePages();
        break;
      case D.DISPATCH_GENERATION:
        this.hash.generation = this.cache.dropStalePages();
        break;
      case D.DISPATCH_FLUSH:
        this.cache.flush();
        break;
    }
  }
}
