// Translated regions of one hart, keyed by the wasm (= physical) address of each block: block code
// is position and privilege independent. Each region is one function in the hart's
// WebAssembly.Table; the dispatcher finds blocks through the shared hash (dispatch/), which this
// cache fills on request. Pages holding translated code are marked in the shared code bitmap; a
// store into such a page (by any hart) bumps the page's version and the global generation, and
// dropStalePages() then forgets that page's blocks, hash entries and table slots.
import { GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import * as J from './jit-layout';
import { markWritten } from './code-bitmap';
import { interpretableRun, readRegion, type RegionCode } from './translate/block-reader';
import type { DispatchHash } from './dispatch/dispatch-hash';
import { blockValue, coldValue, MAX_HEAT } from './dispatch/dispatch-layout';

export interface CachedBlock {
  slot: number;
  entry: number;
  instructions: number;
}

export interface CacheStats {
  blocksCompiled: number;
  compileMs: number;
  wasmBytes: number;
  invalidatedPages: number;
  /** Modules compiled (one per region of blocks). */
  regionsCompiled: number;
  /** Whole-cache flushes (FENCE.I without the CPU's store hook, snapshot restore, cache full). */
  flushes: number;
}

export interface CodeCacheOptions {
  /** Visits a block start needs before it is translated (0: translate on first visit). */
  threshold: number;
  /** The CPU's own store path invalidates translated pages (jit_tracks_code_stores). */
  storesTracked: boolean;
  /** Clock for compile-time stats (ms); portable code has no `performance` type. */
  now?: () => number;
  /** Mixed mode: samples a page needs before it turns warm (default PAGE_WARM; 0: every page
   * starts warm, visits are counted from the start). */
  pageWarm?: number;
}

interface PageRecord {
  version: number;
  /** Every pc with a hash entry or a translated block in this page. */
  starts: number[];
  /** Table slots of the regions in this page. */
  slots: number[];
  /** Mixed mode: the page is warm (its entries count visits precisely). */
  warm: boolean;
  /** Entries installed with the threshold as heat (precise counting in a warm page). */
  counted: Set<number>;
}

/** Regions kept before the whole cache is dropped (bounds table and code memory). */
export const MAX_CACHED_REGIONS = 32768;
const TABLE_GROWTH = 1024;
/** Interpreter batch from cold code when the CPU tracks code stores (mixed mode; the hash
 * holds at most MAX_COLD_COUNT, and jit_interpret ends the batch at the next control transfer). */
export const TRACKED_BATCH = 1024;
/** Mixed mode with the store hook: the dispatcher reports the entry of a cold batch as a sample
 * of where the interpreter spends its time after this many interpreted instructions. */
export const SAMPLE_INTERVAL = 8192;
/** Samples that make a page warm (its entries then count their visits precisely). */
export const PAGE_WARM = 256;
/** Without the store hook a page sample is a cold entry visited this often (hot()). */
export const PAGE_SAMPLE = 32;

export class CodeCache {
  private readonly blocks = new Map<number, CachedBlock>();
  /** Block starts whose first instruction the translator does not handle. */
  private readonly untranslatable = new Set<number>();
  private readonly pages = new Map<number, PageRecord>();
  /** Mixed mode: samples per page not yet warm. */
  private readonly pageHeat = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  private nextSlot = 1; // slot 0 stays empty: a block value is never 0
  private readonly words: Int32Array;
  private readonly fpu: Record<string, unknown>;
  readonly table: WebAssembly.Table;
  readonly stats: CacheStats = {
    blocksCompiled: 0,
    compileMs: 0,
    wasmBytes: 0,
    invalidatedPages: 0,
    regionsCompiled: 0,
    flushes: 0,
  };

  private readonly threshold: number;
  private readonly storesTracked: boolean;
  private readonly now: () => number;
  private readonly pageWarm: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    /** The CPU module's exports (FPU functions imported by translated FP code). */
    cpuExports: object,
    private readonly hash: DispatchHash,
    options: CodeCacheOptions,
  ) {
    this.threshold = options.threshold;
    this.storesTracked = options.storesTracked;
    this.now = options.now ?? Date.now;
    this.pageWarm = options.pageWarm ?? PAGE_WARM;
    this.words = new Int32Array(memory.buffer);
    this.fpu = cpuExports as Record<string, unknown>;
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: TABLE_GROWTH });
  }

  get size(): number {
    return this.blocks.size;
  }

  /** The dispatcher found no hash entry for `wasmPc`: install one (translating first in
   * always mode). */
  miss(wasmPc: number): void {
    const block = this.blocks.get(wasmPc);
    if (block) {
      this.hash.install(wasmPc, blockValue(block.slot, block.entry));
      return;
    }
    if (this.threshold === 0 && !this.untranslatable.has(wasmPc)) {
      this.translate(wasmPc);
      return;
    }
    const record = this.pageOf(wasmPc);
    record.starts.push(wasmPc);
    if (this.untranslatable.has(wasmPc)) {
      this.hash.install(wasmPc, coldValue(MAX_HEAT, this.untranslatableBatch(wasmPc)));
    } else this.installCold(wasmPc, record);
  }

  /** A cold entry used up its heat (mixed mode): a counted entry in a warm page is hot. Without
   * the CPU's store hook a cold page's entries report here every PAGE_SAMPLE visits, as samples. */
  hot(wasmPc: number): void {
    if (this.threshold === 0) {
      this.translate(wasmPc);
      return;
    }
    const known = this.pages.get((wasmPc - GUEST_RAM_WASM_BASE) >>> 12);
    if (known?.counted.has(wasmPc)) {
      this.translate(wasmPc);
      return;
    }
    if (known?.warm) {
      // An entry installed before the page turned warm: from now on count it precisely.
      known.starts.push(wasmPc);
      this.installCold(wasmPc, known);
      return;
    }
    if (!this.sample(wasmPc)) {
      const record = this.pageOf(wasmPc);
      record.starts.push(wasmPc);
      this.installCold(wasmPc, record);
    }
  }

  /** One sample of where the interpreter spends its time (the entry of a cold batch): once a
   * page has enough, it turns warm — its cold entries are dropped, so the next visits install
   * counted ones. Returns whether the page is warm now. */
  sample(wasmPc: number): boolean {
    const page = (wasmPc - GUEST_RAM_WASM_BASE) >>> 12;
    if (this.pages.get(page)?.warm) return true;
    const heat = (this.pageHeat.get(page) ?? 0) + 1;
    if (heat < this.pageWarm) {
      this.pageHeat.set(page, heat);
      return false;
    }
    this.pageHeat.delete(page);
    const record = this.pageOf(wasmPc);
    record.warm = true;
    // Long-batch entries the dispatcher installed itself are not in `starts`.
    this.hash.removeColdInPage(wasmPc - (wasmPc & 0xfff));
    for (const start of record.starts) {
      if (!this.blocks.has(start) && !this.untranslatable.has(start)) this.hash.remove(start);
    }
    return true;
  }

  private installCold(wasmPc: number, record: PageRecord): void {
    if (record.warm) {
      record.counted.add(wasmPc);
      this.hash.install(wasmPc, coldValue(this.threshold, interpretableRun(this.memory, wasmPc)));
    } else {
      // With the store hook the dispatcher's samples warm the page: the entry never asks.
      const heat = this.storesTracked ? MAX_HEAT : PAGE_SAMPLE;
      this.hash.install(wasmPc, coldValue(heat, this.longBatch(wasmPc)));
    }
  }

  /** Translates the region entered at `wasmPc` (that block plus its untranslated static
   * successors in the same page) and installs the entry in the hash. */
  translate(wasmPc: number): void {
    const known = this.blocks.get(wasmPc);
    if (known) {
      this.hash.install(wasmPc, blockValue(known.slot, known.entry));
      return;
    }
    if (this.pages.size > 0 && this.stats.regionsCompiled % 64 === 0) this.boundSize();
    const record = this.pageOf(wasmPc);
    record.starts.push(wasmPc);
    const started = this.now();
    let region: RegionCode | undefined;
    try {
      region = readRegion(this.memory, wasmPc, (pc) => this.blocks.has(pc));
    } catch {
      region = undefined; // an emitter bug must not stop the guest: the interpreter runs this code
    }
    this.install(wasmPc, record, region, started);
  }

  /** Instantiates a compiled region into a table slot and installs its entry. */
  private install(
    wasmPc: number,
    record: PageRecord,
    region: RegionCode | undefined,
    started: number,
  ): void {
    let run: unknown;
    if (region) {
      try {
        const fpu: WebAssembly.ModuleImports = {};
        for (const name of region.fpuImports) fpu[name] = this.fpu[name] as WebAssembly.ImportValue;
        const module = new WebAssembly.Module(region.wasm);
        run = new WebAssembly.Instance(module, { env: { memory: this.memory }, fpu }).exports.r;
      } catch {
        run = undefined; // an emitter bug must not stop the guest: the interpreter runs this code
      }
    }
    if (!region || typeof run !== 'function') {
      this.untranslatable.add(wasmPc);
      this.hash.install(wasmPc, coldValue(MAX_HEAT, this.untranslatableBatch(wasmPc)));
      return;
    }
    const slot = this.allocateSlot();
    this.table.set(slot, run as () => void);
    record.slots.push(slot);
    this.stats.blocksCompiled += region.blocks.length;
    this.stats.regionsCompiled++;
    this.stats.wasmBytes += region.wasm.length;
    this.stats.compileMs += this.now() - started;
    region.blocks.forEach((b, entry) => {
      this.blocks.set(b.wasmPc, { slot, entry, instructions: b.instructions });
      if (entry === 0) return;
      record.starts.push(b.wasmPc);
      this.hash.remove(b.wasmPc); // a cold entry there: the next visit installs the block
    });
    this.hash.install(wasmPc, blockValue(slot, 0));
  }

  /** A store (seen by a translated block) hit page `page` (RAM page index) holding code. */
  codeWritten(page: number): void {
    markWritten(this.words, page);
  }

  /** Forget everything (FENCE.I without the store hook, snapshot restore, cache full). */
  flush(): void {
    this.stats.flushes++;
    for (const record of this.pages.values()) this.dropPage(record);
    this.pages.clear();
    this.pageHeat.clear();
    this.blocks.clear();
    this.untranslatable.clear();
    this.hash.clear();
  }

  /** Drops every page whose version changed since it was translated; returns the generation
   * the cache now reflects. */
  dropStalePages(): number {
    const gen = Atomics.load(this.words, J.JIT_CODE_GENERATION >> 2);
    for (const [page, record] of this.pages) {
      const version = Atomics.load(
        this.words,
        (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK),
      );
      if (version === record.version) continue;
      this.dropPage(record);
      this.pages.delete(page);
      this.stats.invalidatedPages++;
    }
    return gen;
  }

  private dropPage(record: PageRecord): void {
    for (const start of record.starts) {
      this.blocks.delete(start);
      this.untranslatable.delete(start);
      this.hash.remove(start);
    }
    for (const slot of record.slots) {
      this.table.set(slot, null);
      this.freeSlots.push(slot);
    }
  }

  /** Interpreter batch from `wasmPc` in a cold page or where nothing can be translated. With
   * the CPU's store hook a batch may run anywhere (stores invalidate what they overwrite);
   * without it only the rest of the basic block, which cannot hide a FENCE.I. In always mode
   * short batches let translated code resume as soon as possible. */
  private longBatch(wasmPc: number): number {
    if (this.storesTracked && this.threshold > 0) return TRACKED_BATCH;
    return interpretableRun(this.memory, wasmPc);
  }

  /** Interpreter batch from a start the translator cannot handle (a CSR, an AMO, a page
   * crossing…): just that instruction — jit_interpret goes on to the next control transfer —
   * so the code after it, often hot, is found and translated. A long batch there would run
   * translated code in the interpreter (without the store hook: the rest of the basic block). */
  private untranslatableBatch(wasmPc: number): number {
    return this.storesTracked ? 1 : interpretableRun(this.memory, wasmPc);
  }

  private allocateSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    if (this.nextSlot >= this.table.length) this.table.grow(TABLE_GROWTH);
    return this.nextSlot++;
  }

  private boundSize(): void {
    const live = this.nextSlot - 1 - this.freeSlots.length;
    if (live >= MAX_CACHED_REGIONS) this.flush();
  }

  /** The page record of `wasmPc`, marking the page in the code bitmap on first use. */
  private pageOf(wasmPc: number): PageRecord {
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
      entry = {
        version,
        starts: [],
        slots: [],
        warm: this.pageWarm === 0,
        counted: new Set<number>(),
      };
      this.pages.set(page, entry);
    }
    return entry;
  }
}
