// Translated regions of one hart, keyed by the wasm (= physical) address of each block: block code
// is position and privilege independent. Each region is one function in the hart's
// WebAssembly.Table; the dispatcher finds blocks through the shared hash (dispatch/), which this
// cache fills on request. Pages holding translated code are marked in the shared code bitmap; a
// store into such a page (by any hart) bumps the page's version and the global generation, and
// dropStalePages() then forgets that page's blocks, hash entries and table slots.
import { GUEST_RAM_WASM_BASE, HART_STATE_BASE, HART_STRIDE } from '../layout/wasm-memory';
import * as J from './jit-layout';
import { markCodePage } from './store-tlb-shootdown';
import { BRANCH_HEAT_TRANSLATED, branchHeat, setBranchHeat } from './branch-heat';
import {
  interpretableRun,
  readRegionBlocks,
  type ReadRegion,
  type RegionStarts,
} from './translate/block-reader';
import { compileRegions } from './translate/block-compiler';
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
  /** Regions compiled (one function each). */
  regionsCompiled: number;
  /** Modules compiled (mixed mode: several regions each). */
  modulesCompiled: number;
  /** Whole-cache flushes (FENCE.I without the CPU's store hook, snapshot restore, cache full). */
  flushes: number;
}

export interface CodeCacheOptions {
  /** Visits a block start needs before it is translated (0: translate on first visit). */
  threshold: number;
  /** The CPU's own store path invalidates translated pages (jit_tracks_code_stores), and its
   * store TLB refuses pages marked as code. */
  storesTracked: boolean;
  /** The hart this cache belongs to. */
  hart: number;
  /** Clock for compile-time stats (ms); portable code has no `performance` type. */
  now?: () => number;
  /** Bounds (default MAX_CACHED_REGIONS, MAX_COMPILED_BYTES): reaching one drops everything. */
  maxRegions?: number;
  maxCompiledBytes?: number;
}

interface PageRecord {
  version: number;
  /** Every pc with a hash entry or a translated block in this page. */
  starts: number[];
  /** Table slots of the regions in this page. */
  slots: number[];
}

/** Regions kept before the whole cache is dropped (bounds the table). */
export const MAX_CACHED_REGIONS = 32768;
/** WASM compiled since the last flush before the whole cache is dropped. What V8 keeps for
 * translated code grows with it, and an invalidated region's module is only freed once no region
 * of it is live, so counting what is live would not bound memory; QEMU bounds its code buffer
 * the same way. The Linux boot compiles ≈ 0.1 MB at the default threshold, ≈ 1.4 MB at 2 000. */
export const MAX_COMPILED_BYTES = 16 << 20;
const TABLE_GROWTH = 1024;
/** Interpreter batch from cold code when the CPU tracks code stores (mixed mode; the hash
 * holds at most MAX_COLD_COUNT, and jit_interpret ends the batch at the next control transfer). */
export const TRACKED_BATCH = 1024;
/** Mixed mode: a block reached by taken jumps joins a region once the interpreter counted
 * threshold >> WARM_SHARE_SHIFT visits there (translating cold code costs more than it saves). */
const WARM_SHARE_SHIFT = 6;
/** Mixed mode: regions compiled into one module at most (hot()). */
export const TRANSLATE_BATCH = 8;

export class CodeCache {
  private readonly blocks = new Map<number, CachedBlock>();
  /** Block starts whose first instruction the translator does not handle. */
  private readonly untranslatable = new Set<number>();
  /** Mixed mode: hot entries waiting to be compiled with the next batch (hot()). */
  private readonly pending = new Set<number>();
  private readonly pages = new Map<number, PageRecord>();
  private readonly freeSlots: number[] = [];
  private nextSlot = 1; // slot 0 stays empty: a block value is never 0
  private readonly words: Int32Array;
  private readonly fpu: Record<string, unknown>;
  readonly table: WebAssembly.Table;
  /** The dispatcher's export `chain` (regions tail-call their successors through it); until it
   * is linked, regions return to the dispatcher at every exit. */
  chain: ((...args: number[]) => number) | undefined;
  readonly stats: CacheStats = {
    blocksCompiled: 0,
    compileMs: 0,
    wasmBytes: 0,
    invalidatedPages: 0,
    regionsCompiled: 0,
    modulesCompiled: 0,
    flushes: 0,
  };

  private threshold: number;
  private readonly maxRegions: number;
  private readonly maxCompiledBytes: number;
  /** WASM compiled since the last flush. */
  private compiledBytes = 0;
  private readonly storesTracked: boolean;
  private readonly hart: number;
  private readonly now: () => number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    /** The CPU module's exports (FPU functions imported by translated FP code). */
    cpuExports: object,
    private readonly hash: DispatchHash,
    options: CodeCacheOptions,
  ) {
    this.threshold = options.threshold;
    this.maxRegions = options.maxRegions ?? MAX_CACHED_REGIONS;
    this.maxCompiledBytes = options.maxCompiledBytes ?? MAX_COMPILED_BYTES;
    this.storesTracked = options.storesTracked;
    this.hart = options.hart;
    this.now = options.now ?? Date.now;
    this.words = new Int32Array(memory.buffer);
    this.fpu = cpuExports as Record<string, unknown>;
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: TABLE_GROWTH });
  }

  get size(): number {
    return this.blocks.size;
  }

  /** Whether a block reached by taken jumps is worth translating with a region now. */
  private readonly warm = (wasmPc: number): boolean =>
    !this.countsBranches ||
    branchHeat(this.words, wasmPc) >= Math.max(1, this.threshold >>> WARM_SHARE_SHIFT);

  /** Mixed mode with branch heat: the threshold from now on (the dispatcher reads its own copy
   * in the hash header, which JitHart sets alongside). */
  setHeatThreshold(threshold: number): void {
    if (this.countsBranches && threshold > 0) this.threshold = threshold;
  }

  /** The threshold the interpreter's batches use now (mixed mode with branch heat), else 0. */
  get heatThreshold(): number {
    return this.countsBranches ? this.threshold : 0;
  }

  /** Mixed mode with the CPU's store hook: the interpreter's batches count branch targets
   * (cpu/assembly/branch-heat.ts) and stop before hot ones; cold hash entries never ask. Without
   * the hook (batches only run basic blocks) each cold entry counts its visits in the hash. */
  get countsBranches(): boolean {
    return this.storesTracked && this.threshold > 0;
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
      this.translate([wasmPc]);
      return;
    }
    const record = this.pageOf(wasmPc);
    record.starts.push(wasmPc);
    if (this.untranslatable.has(wasmPc)) {
      this.hash.install(wasmPc, coldValue(MAX_HEAT, this.untranslatableBatch(wasmPc)));
    } else this.installCold(wasmPc);
  }

  /** Code run by the interpreter became hot (mixed mode): the interpreter counted a branch
   * target past the threshold, or (without the store hook) a cold entry used up its heat.
   *
   * With branch heat, hot entries are compiled in batches of up to TRANSLATE_BATCH regions per
   * module (a module's fixed cost dominates a small region's). A new hot entry waits, counting
   * again from half the threshold; the batch is compiled when it is full or when a waiting
   * entry comes back hot (≈ threshold / 2 more visits: hot code does not wait long). */
  hot(wasmPc: number): void {
    if (!this.countsBranches || this.blocks.has(wasmPc)) {
      this.translate([wasmPc]);
      return;
    }
    const waiting = this.pending.has(wasmPc);
    this.pending.add(wasmPc);
    if (!waiting && this.pending.size < TRANSLATE_BATCH) {
      setBranchHeat(this.words, wasmPc, this.threshold >>> 1);
      return;
    }
    const batch = [...this.pending];
    this.pending.clear();
    this.translate(batch);
    // Not translatable: count again (its hash entry runs one instruction, then what follows).
    for (const pc of batch) if (!this.blocks.has(pc)) setBranchHeat(this.words, pc, 0);
  }

  /** Mixed mode: a hash entry for cold code. With the CPU's store hook its batch may run
   * anywhere (stores invalidate what they overwrite) and the interpreter counts hotness; without
   * it the batch is the rest of the basic block, which cannot hide a FENCE.I, and the entry
   * counts its visits down from the threshold. */
  private installCold(wasmPc: number): void {
    this.hash.install(
      wasmPc,
      this.countsBranches
        ? coldValue(MAX_HEAT, TRACKED_BATCH)
        : coldValue(this.threshold, interpretableRun(this.memory, wasmPc)),
    );
  }

  /** Translates the regions entered at `wasmPcs` (each block plus its static successors in the
   * same page worth translating) into one module and installs their entries in the hash. */
  translate(wasmPcs: readonly number[]): void {
    this.boundSize();
    const started = this.now();
    const regions: { wasmPc: number; record: PageRecord; region: ReadRegion }[] = [];
    const batchStarts = new Set<number>();
    for (const wasmPc of wasmPcs) {
      const known = this.blocks.get(wasmPc);
      if (known) {
        this.hash.install(wasmPc, blockValue(known.slot, known.entry));
        continue;
      }
      if (batchStarts.has(wasmPc)) continue; // a block of a region earlier in this batch
      const record = this.pageOf(wasmPc);
      record.starts.push(wasmPc);
      let region: ReadRegion | undefined;
      try {
        region = readRegionBlocks(this.memory, wasmPc, {
          // Mixed mode repeats blocks other regions of the page translated: hot code arrives a
          // target at a time, and a region that stopped at each block translated before split a
          // loop over several regions (cpu/jit/README.md, Regions). Always mode translates every
          // block before it runs: repeating would copy a page's code into each of its regions.
          ...(!this.countsBranches && {
            known: (pc: number) => this.blocks.has(pc) || batchStarts.has(pc),
          }),
          warm: this.warm,
          ...(this.chain && { chain: { area: this.hash.area } }),
        });
      } catch {
        region = undefined; // an emitter bug must not stop the guest: the interpreter runs this
      }
      if (!region) {
        this.markUntranslatable(wasmPc);
        continue;
      }
      for (const start of region.starts) batchStarts.add(start.wasmPc);
      regions.push({ wasmPc, record, region });
    }
    if (regions.length === 0) return;
    let exports: WebAssembly.Exports | undefined;
    let bytes = 0;
    try {
      const compiled = compileRegions(
        regions.map((r) => r.region),
        HART_STATE_BASE + this.hart * HART_STRIDE,
      );
      const fpu: WebAssembly.ModuleImports = {};
      for (const name of compiled.fpuImports) fpu[name] = this.fpu[name] as WebAssembly.ImportValue;
      const module = new WebAssembly.Module(compiled.wasm);
      const env = { memory: this.memory, ...(this.chain && { chain: this.chain }) };
      exports = new WebAssembly.Instance(module, { env, fpu }).exports;
      bytes = compiled.wasm.length;
    } catch {
      exports = undefined; // an emitter bug must not stop the guest: the interpreter runs this
    }
    regions.forEach(({ wasmPc, record, region }, i) => {
      const run = exports?.[`r${i}`];
      if (typeof run !== 'function') this.markUntranslatable(wasmPc);
      else this.install(wasmPc, record, region.starts, run);
    });
    if (exports) this.stats.modulesCompiled++;
    this.stats.wasmBytes += bytes;
    this.compiledBytes += bytes;
    this.stats.compileMs += this.now() - started;
  }

  private markUntranslatable(wasmPc: number): void {
    this.untranslatable.add(wasmPc);
    this.hash.install(wasmPc, coldValue(MAX_HEAT, this.untranslatableBatch(wasmPc)));
  }

  /** Puts a compiled region into a table slot and installs its entry. */
  private install(
    wasmPc: number,
    record: PageRecord,
    starts: RegionStarts,
    run: WebAssembly.ExportValue,
  ): void {
    const slot = this.allocateSlot();
    this.table.set(slot, run as () => void);
    record.slots.push(slot);
    this.stats.blocksCompiled += starts.length;
    this.stats.regionsCompiled++;
    starts.forEach((b, entry) => {
      this.blocks.set(b.wasmPc, { slot, entry, instructions: b.instructions });
      // Interpreter batches stop before jumping here (branch-heat.ts), so this code runs.
      setBranchHeat(this.words, b.wasmPc, BRANCH_HEAT_TRANSLATED);
      if (entry === 0) return;
      record.starts.push(b.wasmPc);
      this.hash.remove(b.wasmPc); // a cold entry there: the next visit installs the block
    });
    this.hash.install(wasmPc, blockValue(slot, 0));
  }

  /** Forget everything (FENCE.I without the store hook, snapshot restore, cache full). */
  flush(): void {
    this.stats.flushes++;
    this.compiledBytes = 0;
    for (const record of this.pages.values()) this.dropPage(record);
    this.pages.clear();
    this.pending.clear();
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
      if (this.blocks.has(start)) setBranchHeat(this.words, start, 0);
      this.blocks.delete(start);
      this.untranslatable.delete(start);
      this.hash.remove(start);
    }
    for (const slot of record.slots) {
      this.table.set(slot, null);
      this.freeSlots.push(slot);
    }
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
    if (live >= this.maxRegions || this.compiledBytes >= this.maxCompiledBytes) this.flush();
  }

  /** The page record of `wasmPc`, marking the page in the code bitmap on first use. */
  private pageOf(wasmPc: number): PageRecord {
    const page = (wasmPc - GUEST_RAM_WASM_BASE) >>> 12;
    let entry = this.pages.get(page);
    if (!entry) {
      // Mark the page BEFORE reading its code, so a racing store either is seen by the read or
      // finds the bit set and bumps the version recorded here. With the CPU's store hook its
      // store TLBs must not map the page any more (store-tlb-shootdown.ts).
      if (this.storesTracked) markCodePage(this.words, page, this.hart);
      else Atomics.or(this.words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5), 1 << (page & 31));
      const version = Atomics.load(
        this.words,
        (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK),
      );
      entry = {
        version,
        starts: [],
        slots: [],
      };
      this.pages.set(page, entry);
    }
    return entry;
  }
}
