/**
 * Per-hart lifecycle shared by the vCPU threads and the VMM thread, in one SharedArrayBuffer:
 *
 *   HSM status  one contiguous word per hart, managed by core's HartStateTable (SBI HSM states)
 *   start entry pc and opaque (a1) for the next hart_start
 *   parked      1 while the hart's thread is outside run() (stopped, paused, finished)
 *   shutdown    the machine is over: every vCPU thread leaves its loop
 *
 * Waiting threads sleep on these words with Atomics.wait; every change notifies.
 */
import { HartStateTable, HsmState, type HsmStateId } from '../../../core/arch/riscv64/sbi';

const PARKED_COUNT = 0;
const SHUTDOWN = 1;
const HEADER_WORDS = 8;
const PER_HART_WORDS = 8;
const PARKED = 0;
const PC_LO = 1;
const PC_HI = 2;
const OPAQUE_LO = 3;
const OPAQUE_HI = 4;

const HI = 0x1_0000_0000;

export class HartTable {
  readonly words: Int32Array;
  readonly hsm: HartStateTable;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly harts: number,
  ) {
    this.words = new Int32Array(buffer);
    if (this.words.length < HartTable.words(harts)) throw new RangeError('hart table too small');
    this.hsm = new HartStateTable(new Int32Array(buffer, HEADER_WORDS * 4, harts), harts);
  }

  private static words(harts: number): number {
    return HEADER_WORDS + harts + harts * PER_HART_WORDS;
  }

  /** A new table: hart 0 STARTED (it boots), the others STOPPED until hart_start. */
  static create(harts: number): HartTable {
    const table = new HartTable(new SharedArrayBuffer(HartTable.words(harts) * 4), harts);
    table.hsm.reset(0);
    return table;
  }

  private statusIndex(hart: number): number {
    return HEADER_WORDS + hart;
  }

  private field(hart: number, field: number): number {
    return HEADER_WORDS + this.harts + hart * PER_HART_WORDS + field;
  }

  status(hart: number): HsmStateId {
    return this.hsm.status(hart);
  }

  /**
   * SBI hart_start: store the entry, move STOPPED → START_PENDING and wake the hart's thread.
   * False (nothing changed) when the hart was not STOPPED.
   */
  requestStart(hart: number, pc: number, opaque: number): boolean {
    const w = this.words;
    w[this.field(hart, PC_LO)] = pc >>> 0;
    w[this.field(hart, PC_HI)] = Math.floor(pc / HI);
    w[this.field(hart, OPAQUE_LO)] = opaque >>> 0;
    w[this.field(hart, OPAQUE_HI)] = Math.floor(opaque / HI);
    if (!this.hsm.tryStart(hart)) return false;
    Atomics.notify(w, this.statusIndex(hart));
    return true;
  }

  startEntry(hart: number): { pc: number; opaque: number } {
    const w = this.words;
    return {
      pc: (w[this.field(hart, PC_HI)]! >>> 0) * HI + (w[this.field(hart, PC_LO)]! >>> 0),
      opaque:
        (w[this.field(hart, OPAQUE_HI)]! >>> 0) * HI + (w[this.field(hart, OPAQUE_LO)]! >>> 0),
    };
  }

  markStarted(hart: number): void {
    this.hsm.markStarted(hart);
    Atomics.notify(this.words, this.statusIndex(hart));
  }

  /** Snapshot restore: put back a saved HSM status (before any vCPU thread runs). */
  restoreStatus(hart: number, status: HsmStateId): void {
    Atomics.store(this.words, this.statusIndex(hart), status);
  }

  markStopped(hart: number): void {
    this.hsm.markStopped(hart);
    Atomics.notify(this.words, this.statusIndex(hart));
  }

  /** Block the calling (vCPU) thread while its hart is STOPPED and the machine is not shutting down. */
  waitWhileStopped(hart: number): void {
    const i = this.statusIndex(hart);
    while (Atomics.load(this.words, i) === HsmState.STOPPED && !this.shuttingDown()) {
      Atomics.wait(this.words, i, HsmState.STOPPED);
    }
  }

  // --- parking: how the VMM knows every vCPU thread is outside run() (pause, snapshot) ---

  setParked(hart: number, parked: boolean): void {
    const was = Atomics.exchange(this.words, this.field(hart, PARKED), parked ? 1 : 0);
    if (was === (parked ? 1 : 0)) return;
    Atomics.add(this.words, PARKED_COUNT, parked ? 1 : -1);
    Atomics.notify(this.words, PARKED_COUNT);
  }

  parkedCount(): number {
    return Atomics.load(this.words, PARKED_COUNT);
  }

  /** Resolves true once every hart is parked, false on timeout (without blocking the VMM thread). */
  async waitAllParked(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.parkedCount();
      if (seen >= this.harts) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const waited = Atomics.waitAsync(this.words, PARKED_COUNT, seen, left);
      if (waited.async) await waited.value;
    }
  }

  // --- shutdown ---

  shutdown(): void {
    Atomics.store(this.words, SHUTDOWN, 1);
    Atomics.notify(this.words, SHUTDOWN);
    for (let h = 0; h < this.harts; h++) Atomics.notify(this.words, this.statusIndex(h));
  }

  shuttingDown(): boolean {
    return Atomics.load(this.words, SHUTDOWN) === 1;
  }

  /** Block the calling thread until `shutdown()` (a hart that hit a fatal error waits here). */
  waitForShutdown(): void {
    while (!this.shuttingDown()) Atomics.wait(this.words, SHUTDOWN, 0);
  }
}
