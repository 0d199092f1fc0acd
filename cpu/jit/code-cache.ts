// Translated blocks of one hart, keyed by wasm address of the block's first instruction (that is,
// by physical address: block code is position independent and privilege independent). Pages
// holding translated code are marked in the shared code bitmap; a store into such a page (by any
// hart) bumps the page's version and the global generation, and every cache drops that page's
// blocks at its next lookup.
import { GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import * as J from './jit-layout';
import { interpretableRun, readRegion } from './translate/block-reader';

/** Runs the block (looping while it jumps to itself and `budget` instructions remain). */
export type BlockFunction = (hb: number, dataKey: number, budget: number) => number;

export interface CachedBlock {
  run: BlockFunction;
  instructions: number;
}

export interface CacheStats {
  blocksCompiled: number;
  compileMs: number;
  wasmBytes: number;
  invalidatedPages: number;
  /** Modules compiled (one per region of blocks). */
  regionsCompiled: number;
  /** Whole-cache flushes (FENCE.I, snapshot restore). */
  flushes: number;
}

export class CodeCache {
  /** null: the first instruction there must be interpreted (remembered to avoid re-decoding). */
  private readonly blocks = new Map<number, CachedBlock | null>();
  private readonly pages = new Map<number, { version: number; starts: number[] }>();
  /** Interpreter batch lengths where no block starts (see interpretableRun). */
  private readonly interpretRuns = new Map<number, number>();
  /** Visits of block starts not yet translated (only with a hotness threshold). */
  private readonly heat = new Map<number, number>();
  private readonly words: Int32Array;
  private generation: number;
  readonly stats: CacheStats = {
    blocksCompiled: 0,
    compileMs: 0,
    wasmBytes: 0,
    invalidatedPages: 0,
    regionsCompiled: 0,
    flushes: 0,
  };

  constructor(
    private readonly memory: WebAssembly.Memory,
    /** Clock for compile-time stats (ms); portable code has no `performance` type. */
    private readonly now: () => number = Date.now,
    /** Visits a block start needs before it is translated (0: translate on first visit). */
    private readonly threshold = 0,
  ) {
    this.words = new Int32Array(memory.buffer);
    this.generation = Atomics.load(this.words, J.JIT_CODE_GENERATION >> 2);
  }

  get size(): number {
    return this.blocks.size;
  }

  /** The block at `wasmPc`, translating it on first use; null if it must be interpreted. */
  lookup(wasmPc: number): CachedBlock | null {
    const gen = Atomics.load(this.words, J.JIT_CODE_GENERATION >> 2);
    if (gen !== this.generation) this.dropStalePages(gen);
    const found = this.blocks.get(wasmPc);
    if (found !== undefined) return found;
    if (this.threshold > 0) {
      const visits = (this.heat.get(wasmPc) ?? 0) + 1;
      if (visits <= this.threshold) {
        this.heat.set(wasmPc, visits);
        return null;
      }
      this.heat.delete(wasmPc);
    }
    const block = this.translate(wasmPc);
    this.blocks.set(wasmPc, block);
    return block;
  }

  /** Instructions the interpreter may run in one call at `wasmPc`, where lookup found no block. */
  interpretCount(wasmPc: number): number {
    let n = this.interpretRuns.get(wasmPc);
    if (n === undefined) {
      n = interpretableRun(this.memory, wasmPc);
      this.interpretRuns.set(wasmPc, n);
      this.pageOf(wasmPc).starts.push(wasmPc);
    }
    return n;
  }

  /** A store (seen by a translated block) hit page `page` (RAM page index) holding code. */
  codeWritten(page: number): void {
    markWritten(this.words, page);
    this.dropStalePages(Atomics.load(this.words, J.JIT_CODE_GENERATION >> 2));
  }

  /** Forget everything (FENCE.I, snapshot restore). */
  flush(): void {
    this.stats.flushes++;
    this.blocks.clear();
    this.pages.clear();
    this.heat.clear();
    this.interpretRuns.clear();
  }

  /** Translates the region entered at `wasmPc` (that block plus its untranslated static
   * successors in the same page) and caches every block of it. */
  private translate(wasmPc: number): CachedBlock | null {
    const starts = this.pageOf(wasmPc).starts;
    starts.push(wasmPc);
    const started = this.now();
    const region = readRegion(this.memory, wasmPc, (pc) => this.blocks.has(pc));
    if (!region) return null;
    let exports: WebAssembly.Exports;
    try {
      const module = new WebAssembly.Module(region.wasm);
      exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
    } catch {
      return null; // an emitter bug must not stop the guest: the interpreter runs this code
    }
    this.stats.blocksCompiled += region.blocks.length;
    this.stats.regionsCompiled++;
    this.stats.wasmBytes += region.wasm.length;
    this.stats.compileMs += this.now() - started;
    let entry: CachedBlock | null = null;
    region.blocks.forEach((b, i) => {
      const block = { run: exports[`b${i}`] as BlockFunction, instructions: b.instructions };
      if (i === 0) entry = block;
      else {
        this.blocks.set(b.wasmPc, block);
        starts.push(b.wasmPc);
      }
    });
    return entry;
  }

  /** The page record of `wasmPc`, marking the page in the code bitmap on first use. */
  private pageOf(wasmPc: number): { version: number; starts: number[] } {
    const page = (wasmPc - GUEST_RAM_WASM_BASE) >>> 12;
    let entry = this.pages.get(page);
    if (!entry) {
      // Mark the page BEFORE reading its code, so a racing store either is seen by the read or
      // finds the bit set and bumps the version recorded here.
      Atomics.or(this.words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5), 1 << (page & 31));
      const version = Atomics.load(
        this.words,
        (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK),
      );
      entry = { version, starts: [] };
      this.pages.set(page, entry);
    }
    return entry;
  }

  private dropStalePages(gen: number): void {
    this.generation = gen;
    for (const [page, entry] of this.pages) {
      const version = Atomics.load(
        this.words,
        (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK),
      );
      if (version === entry.version) continue;
      for (const start of entry.starts) {
        this.blocks.delete(start);
        this.interpretRuns.delete(start);
      }
      this.pages.delete(page);
      this.stats.invalidatedPages++;
    }
  }
}

/** The store side of the protocol (also what the interpreter's store path must do). */
export function markWritten(words: Int32Array, page: number): void {
  const bit = 1 << (page & 31);
  const old = Atomics.and(words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5), ~bit);
  if ((old & bit) === 0) return;
  Atomics.add(words, (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK), 1);
  Atomics.add(words, J.JIT_CODE_GENERATION >> 2, 1);
}
