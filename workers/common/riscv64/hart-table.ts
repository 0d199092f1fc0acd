/**
 * Per-hart lifecycle shared by the vCPU threads and the VMM thread (SBI HSM + pause/park):
 *
 *   status   STOPPED → START_PENDING (hart_start by another hart or the VMM) → STARTED
 *            STARTED → STOPPED (hart_stop) · any → halted by the VMM at power-off
 *   parked   1 while the hart's thread sits outside run() because the VMM asked it to stop
 *   start    pc and opaque (a1) for the next start
 *
 * Laid out once here as Int32 words in a SharedArrayBuffer; each side uses this class only.
 */

/** SBI HSM states (values from the SBI spec's hart_get_status). */
export const HartStatus = {
  Started: 0,
  Stopped: 1,
  StartPending: 2,
  StopPending: 3,
} as const;
export type HartStatus = (typeof HartStatus)[keyof typeof HartStatus];

const WORDS_PER_HART = 8;
const STATUS = 0;
const PARKED = 1;
const PC_LO = 2;
const PC_HI = 3;
const OPAQUE_LO = 4;
const OPAQUE_HI = 5;
/** Header: [0] parked count, [1] shutdown flag (the machine is ending: threads must exit). */
const HEADER_WORDS = 8;
const PARKED_COUNT = 0;
const SHUTDOWN = 1;

export class HartTable {
  readonly words: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly harts: number,
  ) {
    this.words = new Int32Array(buffer);
    if (this.words.length < HEADER_WORDS + harts * WORDS_PER_HART)
      throw new RangeError('hart table too small');
  }

  static create(harts: number): HartTable {
    const table = new HartTable(
      new SharedArrayBuffer((HEADER_WORDS + harts * WORDS_PER_HART) * 4),
      harts,
    );
    for (let h = 0; h < harts; h++)
      Atomics.store(table.words, table.index(h, STATUS), HartStatus.Stopped);
    return table;
  }

  private index(hart: number, field: number): number {
    return HEADER_WORDS + hart * WORDS_PER_HART + field;
  }

  valid(hart: number): boolean {
    return Number.isInteger(hart) && hart >= 0 && hart < this.harts;
  }

  status(hart: number): HartStatus {
    return Atomics.load(this.words, this.index(hart, STATUS)) as HartStatus;
  }

  /**
   * hart_start: only a STOPPED hart can start. Stores the entry, flips the status and wakes the
   * hart's thread. Returns false if the hart was not stopped (SBI_ERR_ALREADY_AVAILABLE).
   */
  requestStart(hart: number, pc: number, opaque: number): boolean {
    const w = this.words;
    w[this.index(hart, PC_LO)] = pc >>> 0;
    w[this.index(hart, PC_HI)] = Math.floor(pc / 0x1_0000_0000);
    w[this.index(hart, OPAQUE_LO)] = opaque >>> 0;
    w[this.index(hart, OPAQUE_HI)] = Math.floor(opaque / 0x1_0000_0000);
    const i = this.index(hart, STATUS);
    if (
      Atomics.compareExchange(w, i, HartStatus.Stopped, HartStatus.StartPending) !==
      HartStatus.Stopped
    ) {
      return false;
    }
    Atomics.notify(w, i);
    return true;
  }

  /** The start entry posted with `requestStart`. */
  startEntry(hart: number): { pc: number; opaque: number } {
    const w = this.words;
    const pc =
      (w[this.index(hart, PC_HI)]! >>> 0) * 0x1_0000_0000 + (w[this.index(hart, PC_LO)]! >>> 0);
    const opaque =
      (w[this.index(hart, OPAQUE_HI)]! >>> 0) * 0x1_0000_0000 +
      (w[this.index(hart, OPAQUE_LO)]! >>> 0);
    return { pc, opaque };
  }

  setStatus(hart: number, status: HartStatus): void {
    const i = this.index(hart, STATUS);
    Atomics.store(this.words, i, status);
    Atomics.notify(this.words, i);
  }

  /** Block the calling (vCPU) thread while the hart is STOPPED; returns the new status. */
  waitWhileStopped(hart: number, timeoutMs = Infinity): HartStatus {
    const i = this.index(hart, STATUS);
    while (Atomics.load(this.words, i) === HartStatus.Stopped && !this.shuttingDown()) {
      if (Atomics.wait(this.words, i, HartStatus.Stopped, timeoutMs) === 'timed-out') break;
    }
    return this.status(hart);
  }

  // --- parking: how the VMM knows every vCPU thread has left run() (pause, snapshot) ---

  setParked(hart: number, parked: boolean): void {
    const i = this.index(hart, PARKED);
    const was = Atomics.exchange(this.words, i, parked ? 1 : 0);
    if (was !== (parked ? 1 : 0)) Atomics.add(this.words, PARKED_COUNT, parked ? 1 : -1);
    Atomics.notify(this.words, PARKED_COUNT);
  }

  parkedCount(): number {
    return Atomics.load(this.words, PARKED_COUNT);
  }

  /** Resolves once `count` harts are parked (without blocking the VMM thread). */
  async waitParked(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.parkedCount();
      if (seen >= count) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const waited = Atomics.waitAsync(this.words, PARKED_COUNT, seen, left);
      if (waited.async) await waited.value;
    }
  }

  // --- shutdown: the machine is over, threads leave their loops ---

  shutdown(): void {
    Atomics.store(this.words, SHUTDOWN, 1);
    for (let h = 0; h < this.harts; h++) Atomics.notify(this.words, this.index(h, STATUS));
  }

  shuttingDown(): boolean {
    return Atomics.load(this.words, SHUTDOWN) === 1;
  }
}
