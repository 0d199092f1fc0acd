// Runs one hart with translated blocks, keeping the interpreter in charge of everything the
// blocks do not do: each loop turn looks up the block at the current pc (through the hart's fetch
// TLB) and runs it; instructions the blocks leave (system, CSR, atomics, FP, TLB misses, MMIO)
// are single-stepped by the interpreter, which also takes every trap and interrupt. Interrupts
// and the control word are polled with run(hart, 0) every poll interval.
import type { CpuExports } from '../loader';
import * as H from '../layout/hart-state';
import { EXIT_BUDGET } from '../layout/exit-reasons';
import {
  HART_STATE_BASE,
  HART_STRIDE,
  MACHINE_CONFIG_BASE,
  GUEST_RAM_WASM_BASE,
} from '../layout/wasm-memory';
import { CFG_POLL_INTERVAL } from '../layout/machine-config';
import { CodeCache } from './code-cache';
import { JIT_STATUS_CODE_WRITE, JIT_STATUS_INTERPRET } from './translate/block-compiler';

const MSTATUS_MPRV = 1 << 17;
const MSTATUS_SUM = 1 << 18;
const MSTATUS_MXR = 1 << 19;
const PRIV_M = 3;
/** Interpreter instructions per call where no block starts, once the CPU tracks code stores. */
const TRACKED_BATCH = 256;

export interface JitStats {
  /** Instructions retired inside translated blocks. */
  translatedInstructions: number;
  /** Instructions the interpreter single-stepped for the dispatcher. */
  interpretedSteps: number;
  blockRuns: number;
  cacheSize: number;
  blocksCompiled: number;
  compileMs: number;
  wasmBytes: number;
  invalidatedPages: number;
  regionsCompiled: number;
  flushes: number;
}

export interface JitOptions {
  /** Visits a block start needs before it is translated (default 0: translate before first run;
   * colder code is single-stepped by the interpreter). */
  threshold?: number;
  /** Milliseconds clock for the compile-time statistic (default Date.now). */
  now?: () => number;
}

export class JitHart {
  readonly cache: CodeCache;
  private readonly u32: Uint32Array;
  private readonly hb: number;
  private readonly pollInterval: number;
  /** The CPU module's own store path invalidates translated pages (exports
   * jit_tracks_code_stores): no FENCE.I flushes needed, interpreter batches may cross branches. */
  readonly storesTracked: boolean;
  private fetchKey = 0;
  private dataKey = 0;
  private translated = 0;
  private interpreted = 0;
  private blockRuns = 0;

  constructor(
    private readonly cpu: CpuExports,
    private readonly memory: WebAssembly.Memory,
    private readonly hart: number,
    options: JitOptions = {},
  ) {
    this.cache = new CodeCache(memory, options.now, options.threshold);
    this.u32 = new Uint32Array(memory.buffer);
    this.hb = HART_STATE_BASE + hart * HART_STRIDE;
    const interval = this.u32[(MACHINE_CONFIG_BASE + CFG_POLL_INTERVAL) >> 2]! | 0;
    this.pollInterval = interval > 0 ? interval : 1024;
    const probe = (cpu as unknown as Record<string, unknown>).jit_tracks_code_stores;
    this.storesTracked = typeof probe === 'function' && (probe as () => number)() === 1;
  }

  get stats(): JitStats {
    return {
      translatedInstructions: this.translated,
      interpretedSteps: this.interpreted,
      blockRuns: this.blockRuns,
      cacheSize: this.cache.size,
      ...this.cache.stats,
    };
  }

  /** Forget all translations (after restoring a snapshot into guest RAM). */
  flush(): void {
    this.cache.flush();
  }

  /** Like cpu.run(hart, budget): runs about `budget` instructions, returns an EXIT_* reason. */
  run(budget: number): number {
    let reason = this.cpu.run(this.hart, 0); // poll interrupts and the control word first
    if (reason !== EXIT_BUDGET) return reason;
    this.refreshKeys();
    let left = budget;
    let sincePoll = 0;
    const u32 = this.u32;
    const instretWord = (this.hb + H.HS_MINSTRET) >> 2;
    while (left > 0) {
      if (sincePoll >= this.pollInterval) {
        sincePoll = 0;
        reason = this.cpu.run(this.hart, 0);
        if (reason !== EXIT_BUDGET) return reason;
        this.refreshKeys();
      }
      const wasmPc = this.fetchAddress();
      const block = wasmPc >= 0 ? this.cache.lookup(wasmPc) : null;
      if (!block) {
        // Code the JIT leaves to the interpreter: with every store tracked the interpreter may
        // run freely for a while (one call instead of many); otherwise only the rest of the
        // basic block, which cannot hide a FENCE.I.
        const wanted =
          wasmPc < 0 ? 1 : this.storesTracked ? TRACKED_BATCH : this.cache.interpretCount(wasmPc);
        const batch = Math.max(1, Math.min(wanted, left, this.pollInterval - sincePoll));
        reason = batch > 1 ? this.interpretBatch(batch) : this.step();
        if (reason !== EXIT_BUDGET) return reason;
        left -= batch;
        sincePoll += batch;
        continue;
      }
      const before = u32[instretWord]!;
      const status = block.run(
        this.hb,
        this.dataKey,
        Math.max(1, Math.min(left, this.pollInterval - sincePoll)),
      );
      const retired = (u32[instretWord]! - before) >>> 0;
      this.blockRuns++;
      this.translated += retired;
      left -= retired;
      sincePoll += retired;
      if ((status & 3) === JIT_STATUS_INTERPRET) {
        reason = this.step();
        if (reason !== EXIT_BUDGET) return reason;
        left--;
        sincePoll++;
      } else if ((status & 3) === JIT_STATUS_CODE_WRITE) {
        this.cache.codeWritten(status >>> 2);
      }
    }
    return EXIT_BUDGET;
  }

  /** Interpreter runs `n` instructions none of which is SYSTEM or FENCE.I. If one of them
   * trapped, its handler ran too and may have executed FENCE.I: flush. (An interrupt taken at
   * the batch's start is not counted: flushing at every timer tick costs far too much; a handler
   * would have to patch code, FENCE.I and run it within the batch for this to matter.) */
  private interpretBatch(n: number): number {
    const u32 = this.u32;
    const events = (): number => u32[(this.hb + H.HS_COUNT_EXCEPTIONS) >> 2]!;
    const before = events();
    this.interpreted += n;
    const reason = this.cpu.run(this.hart, n);
    this.refreshKeys();
    if (!this.storesTracked && events() !== before) this.cache.flush();
    return reason;
  }

  /** Interpreter executes one instruction (and takes any trap or interrupt). FENCE.I (which makes
   * this hart's earlier stores visible to its fetches) drops every translation. */
  private step(): number {
    const pcLo = this.u32[(this.hb + H.HS_PC) >> 2]!;
    const pcHi = this.u32[(this.hb + H.HS_PC + 4) >> 2]!;
    this.interpreted++;
    const reason = this.cpu.run(this.hart, 1);
    this.refreshKeys();
    // The step filled the fetch TLB for the old pc unless it faulted; FENCE.I's low half
    // (opcode 0x0f, funct3 1) identifies it.
    const wasmPc = this.fetchAddressOf(pcLo, pcHi);
    if (this.storesTracked) return reason; // stores already invalidated what they overwrote
    if (wasmPc >= 0 && (this.readHalf(wasmPc) & 0x707f) === 0x100f) this.cache.flush();
    return reason;
  }

  private readHalf(wasmAddr: number): number {
    const word = this.u32[wasmAddr >>> 2]!;
    return (wasmAddr & 2) === 0 ? word & 0xffff : word >>> 16;
  }

  /** Wasm address of the instruction at pc from the fetch TLB, or -1 (let the interpreter fill it). */
  private fetchAddress(): number {
    return this.fetchAddressOf(
      this.u32[(this.hb + H.HS_PC) >> 2]!,
      this.u32[(this.hb + H.HS_PC + 4) >> 2]!,
    );
  }

  private fetchAddressOf(pcLo: number, pcHi: number): number {
    const u32 = this.u32;
    const e = (this.hb + H.HS_TLB_FETCH + ((pcLo >>> 12) & 255) * 16) >> 2;
    if (u32[e + 1] !== pcHi || u32[e] !== ((pcLo & ~0xfff) | this.fetchKey) >>> 0) return -1;
    const wasm = (pcLo + u32[e + 2]!) >>> 0;
    return wasm >= GUEST_RAM_WASM_BASE && (wasm & 1) === 0 ? wasm : -1;
  }

  /** TLB tag keys, as the MMU computes them (mmu.ts onPrivilegeChange). */
  private refreshKeys(): void {
    const u32 = this.u32;
    const priv = u32[(this.hb + H.HS_PRIV) >> 2]! & 3;
    const status = u32[(this.hb + H.HS_MSTATUS) >> 2]!;
    const epoch = (u32[(this.hb + H.HS_TLB_EPOCH) >> 2]! & 0xff) << 4;
    const dataPriv = priv === PRIV_M && (status & MSTATUS_MPRV) !== 0 ? (status >>> 11) & 3 : priv;
    this.fetchKey = epoch | priv;
    this.dataKey =
      epoch |
      dataPriv |
      ((status & MSTATUS_SUM) !== 0 ? 4 : 0) |
      ((status & MSTATUS_MXR) !== 0 ? 8 : 0);
  }
}
