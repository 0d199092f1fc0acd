/**
 * The platform-level interrupt controller (RISC-V PLIC specification 1.0.0), as a BusDevice.
 *
 * Register map (offsets from the PLIC base, 32-bit registers):
 *   0x000000 + 4·id            priority of source id (3 bits, 0 = never interrupts)
 *   0x001000 + 4·w             pending bits of sources 32w..32w+31 (read-only)
 *   0x002000 + 0x80·ctx + 4·w  enable bits of context ctx
 *   0x200000 + 0x1000·ctx      priority threshold of ctx (3 bits)
 *   0x200004 + 0x1000·ctx      claim (read) / complete (write)
 * Context 2h is hart h's M-mode, 2h + 1 its S-mode (the device tree lists them in that order).
 *
 * Gateways are level-triggered: a source becomes pending while its line is high and it is not
 * claimed; claiming clears pending; completing re-arms it, so a line still high becomes pending
 * again at once. A line that drops before being claimed clears its pending bit (no spurious
 * interrupt for a device that was already serviced by polling). Claim returns the highest-priority
 * pending enabled source above the context's threshold (ties: lowest id), else 0. A completion for
 * a source not enabled in that context is ignored, as the spec says.
 *
 * Outputs: whenever a context's "has an interrupt to take" state changes, the injected
 * {@link HartInterruptSink} is told, so the machine can set MEIP/SEIP in the hart's shared pending
 * word and wake it. Any other access (wrong size, misaligned, unmapped) reads zero, writes nothing.
 */
import type { BusDevice } from '../../bus/bus-device';
import type { InterruptLine } from '../../irq/interrupt-line';
import { PLIC_SOURCES } from './memory-map';
import { checkPlicState, type PlicState } from './plic-state';

export interface HartInterruptSink {
  setExternalInterrupt(hart: number, mode: 'M' | 'S', asserted: boolean): void;
}

export interface PlicOptions {
  readonly harts: number;
  readonly sink: HartInterruptSink;
  /** Interrupt sources 1..sources (default 31, the DT's riscv,ndev). */
  readonly sources?: number;
}

export interface PlicMetrics {
  claims: number;
  /** Claims that returned 0. */
  emptyClaims: number;
  completes: number;
  /** Accesses of the wrong size or to unmapped offsets. */
  ignoredAccesses: number;
}

const PRIORITY_MASK = 0x7;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;
const MAX_SOURCES = 1023;

export class Plic implements BusDevice {
  readonly metrics: PlicMetrics = { claims: 0, emptyClaims: 0, completes: 0, ignoredAccesses: 0 };
  private readonly sources: number;
  private readonly contexts: number;
  private readonly words: number;
  private readonly sink: HartInterruptSink;
  private readonly priority: Uint32Array;
  private readonly level: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly enable: Uint32Array; // contexts × words
  private readonly threshold: Uint32Array;
  private readonly output: Uint8Array; // last value given to the sink, per context
  private readonly lines: InterruptLine[] = [];

  constructor(options: PlicOptions) {
    const sources = options.sources ?? PLIC_SOURCES;
    if (!Number.isInteger(options.harts) || options.harts < 1 || options.harts > 512)
      throw new RangeError(`PLIC: ${options.harts} harts is out of range`);
    if (!Number.isInteger(sources) || sources < 1 || sources > MAX_SOURCES)
      throw new RangeError(`PLIC: ${sources} sources is out of range 1..${MAX_SOURCES}`);
    this.sources = sources;
    this.contexts = options.harts * 2;
    this.words = Math.ceil((sources + 1) / 32);
    this.sink = options.sink;
    this.priority = new Uint32Array(sources + 1);
    this.level = new Uint8Array(sources + 1);
    this.pending = new Uint8Array(sources + 1);
    this.claimed = new Uint8Array(sources + 1);
    this.enable = new Uint32Array(this.contexts * this.words);
    this.threshold = new Uint32Array(this.contexts);
    this.output = new Uint8Array(this.contexts);
    for (let id = 0; id <= sources; id++) this.lines.push(this.makeLine(id));
  }

  /** The input line of source `id` (1..sources), to hand to a device. */
  line(id: number): InterruptLine {
    const line = id >= 1 ? this.lines[id] : undefined;
    if (!line) throw new RangeError(`PLIC has no source ${id} (valid: 1..${this.sources})`);
    return line;
  }

  read(offset: number, data: Uint8Array): void {
    data.fill(0);
    const value = data.length === 4 && offset % 4 === 0 ? this.readRegister(offset) : undefined;
    if (value === undefined) {
      this.metrics.ignoredAccesses++;
      return;
    }
    new DataView(data.buffer, data.byteOffset, 4).setUint32(0, value, true);
  }

  write(offset: number, data: Uint8Array): void {
    if (data.length !== 4 || offset % 4 !== 0) {
      this.metrics.ignoredAccesses++;
      return;
    }
    const value = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
    if (!this.writeRegister(offset, value)) this.metrics.ignoredAccesses++;
  }

  saveState(): PlicState {
    const bools = (a: Uint8Array): boolean[] => Array.from(a, (v) => v !== 0);
    return {
      sources: this.sources,
      contexts: this.contexts,
      priorities: Array.from(this.priority),
      levels: bools(this.level),
      pending: bools(this.pending),
      claimed: bools(this.claimed),
      enables: Array.from({ length: this.contexts }, (_, c) =>
        Array.from(this.enable.subarray(c * this.words, (c + 1) * this.words)),
      ),
      thresholds: Array.from(this.threshold),
    };
  }

  /** Restore a snapshot and re-announce every context's output to the sink. */
  restoreState(state: PlicState): void {
    checkPlicState(state, this.sources, this.contexts, this.words);
    state.priorities.forEach((p, id) => (this.priority[id] = id === 0 ? 0 : p & PRIORITY_MASK));
    state.levels.forEach((v, id) => (this.level[id] = v && id !== 0 ? 1 : 0));
    state.pending.forEach((v, id) => (this.pending[id] = v && id !== 0 ? 1 : 0));
    state.claimed.forEach((v, id) => (this.claimed[id] = v && id !== 0 ? 1 : 0));
    state.enables.forEach((words, c) =>
      words.forEach((w, i) => (this.enable[c * this.words + i] = i === 0 ? w & ~1 : w)),
    );
    state.thresholds.forEach((t, c) => (this.threshold[c] = t & PRIORITY_MASK));
    this.maskUnimplementedEnableBits();
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      this.output[ctx] = this.bestCandidate(ctx) !== 0 ? 1 : 0;
      this.notify(ctx);
    }
  }

  private makeLine(id: number): InterruptLine {
    return {
      setLevel: (asserted: boolean): void => {
        if (id === 0 || (this.level[id] === 1) === asserted) return;
        this.level[id] = asserted ? 1 : 0;
        if (this.claimed[id] === 0) this.pending[id] = asserted ? 1 : 0;
        this.update();
      },
    };
  }

  private readRegister(offset: number): number | undefined {
    if (offset < PENDING_BASE) {
      const id = offset / 4;
      return id <= this.sources ? this.priority[id] : undefined;
    }
    if (offset < ENABLE_BASE) {
      const word = (offset - PENDING_BASE) / 4;
      return word < this.words ? this.pendingWord(word) : undefined;
    }
    if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = ((offset - ENABLE_BASE) % ENABLE_STRIDE) / 4;
      if (ctx >= this.contexts || word >= this.words) return undefined;
      return this.enable[ctx * this.words + word];
    }
    const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
    const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return undefined;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return undefined;
  }

  /** Returns false when nothing is mapped at `offset`. */
  private writeRegister(offset: number, value: number): boolean {
    if (offset < PENDING_BASE) {
      const id = offset / 4;
      if (id > this.sources) return false;
      if (id !== 0) this.priority[id] = value & PRIORITY_MASK;
    } else if (offset < ENABLE_BASE) {
      return false; // pending bits are read-only
    } else if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = ((offset - ENABLE_BASE) % ENABLE_STRIDE) / 4;
      if (ctx >= this.contexts || word >= this.words) return false;
      this.enable[ctx * this.words + word] = (word === 0 ? value & ~1 : value) >>> 0;
      this.maskUnimplementedEnableBits();
    } else {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
      if (ctx >= this.contexts) return false;
      if (reg === 0) this.threshold[ctx] = value & PRIORITY_MASK;
      else if (reg === 4) this.complete(ctx, value);
      else return false;
    }
    this.update();
    return true;
  }

  private claim(ctx: number): number {
    this.metrics.claims++;
    const id = this.bestCandidate(ctx);
    if (id === 0) {
      this.metrics.emptyClaims++;
      return 0;
    }
    this.pending[id] = 0;
    this.claimed[id] = 1;
    this.update();
    return id;
  }

  private complete(ctx: number, id: number): void {
    if (id < 1 || id > this.sources || !this.isEnabled(ctx, id)) return;
    this.metrics.completes++;
    if (this.claimed[id] === 0) return;
    this.claimed[id] = 0;
    if (this.level[id] === 1) this.pending[id] = 1; // level still high: a new request
  }

  private isEnabled(ctx: number, id: number): boolean {
    const word = this.enable[ctx * this.words + (id >>> 5)] ?? 0;
    return ((word >>> (id & 31)) & 1) === 1;
  }

  private pendingWord(word: number): number {
    let bits = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (this.pending[word * 32 + bit] === 1) bits |= 1 << bit;
    }
    return bits >>> 0;
  }

  /** Highest-priority pending, enabled source above the threshold of `ctx`, or 0. */
  private bestCandidate(ctx: number): number {
    const threshold = this.threshold[ctx] ?? 0;
    let best = 0;
    let bestPriority = threshold;
    for (let id = 1; id <= this.sources; id++) {
      const priority = this.priority[id] ?? 0;
      if (priority > bestPriority && this.pending[id] === 1 && this.isEnabled(ctx, id)) {
        best = id;
        bestPriority = priority;
      }
    }
    return best;
  }

  /** Recompute every context's output and tell the sink about the ones that changed. */
  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const now = this.bestCandidate(ctx) !== 0 ? 1 : 0;
      if (now !== this.output[ctx]) {
        this.output[ctx] = now;
        this.notify(ctx);
      }
    }
  }

  private notify(ctx: number): void {
    this.sink.setExternalInterrupt(ctx >> 1, ctx % 2 === 0 ? 'M' : 'S', this.output[ctx] === 1);
  }

  /** Enable bits above the last source do not exist. */
  private maskUnimplementedEnableBits(): void {
    const used = (this.sources + 1) % 32;
    if (used === 0) return;
    const mask = (2 ** used - 1) >>> 0;
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const last = ctx * this.words + this.words - 1;
      this.enable[last] = ((this.enable[last] ?? 0) & mask) >>> 0;
    }
  }
}
