/**
 * The guest's time base (mtime on riscv64), shared by every vCPU thread and the VMM thread.
 *
 * Each thread reads a host clock of its own (`performance.timeOrigin + performance.now()` is the same
 * wall clock in every worker; `Date.now()` would do, coarser); the shared part is only the offset
 * that maps host milliseconds to guest ticks and whether the guest is paused. Pausing freezes guest
 * time, resuming continues from where it stopped, and a restored snapshot continues from the saved
 * tick count — so a guest never sees time jump while it was not running.
 *
 * One writer (the VMM) changes the offset; it writes the values, then bumps a generation counter
 * with an atomic add. Readers cache the values and re-read them only when the generation changed,
 * so reading the time costs one atomic load plus arithmetic.
 */

/** Guest ticks per second: 10 MHz, the timebase QEMU's virt machine also advertises. */
export const GUEST_TICKS_PER_SECOND = 10_000_000;
const TICKS_PER_MS = GUEST_TICKS_PER_SECOND / 1000;

const GENERATION = 0; // Int32 index
const PAUSED = 1; // Int32 index
const BASE_MS = 1; // Float64 index: host ms at which guest ticks were 0
const FROZEN_TICKS = 2; // Float64 index: guest ticks while paused

export const GUEST_CLOCK_BYTES = 24;

/** Host milliseconds (absolute, e.g. performance.timeOrigin + performance.now()). */
export type HostClock = () => number;

export class GuestClock {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private generation = -1;
  private paused = false;
  private baseMs = 0;
  private frozenTicks = 0;

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly hostNow: HostClock,
  ) {
    if (buffer.byteLength < GUEST_CLOCK_BYTES) throw new RangeError('guest clock buffer too small');
    this.ints = new Int32Array(buffer, 0, 2);
    this.floats = new Float64Array(buffer, 0, 3);
  }

  /** A new clock, paused at tick 0 (the VMM resumes it when the vCPUs start). */
  static create(hostNow: HostClock): GuestClock {
    const clock = new GuestClock(new SharedArrayBuffer(GUEST_CLOCK_BYTES), hostNow);
    clock.publish(true, 0, 0);
    return clock;
  }

  /** Current guest time in ticks (a whole number). */
  ticks(): number {
    this.refresh();
    if (this.paused) return this.frozenTicks;
    return Math.floor((this.hostNow() - this.baseMs) * TICKS_PER_MS);
  }

  /** Host milliseconds until the guest clock reaches `ticks` (0 if it has; Infinity while paused). */
  msUntil(ticks: number): number {
    this.refresh();
    if (this.paused) return Infinity;
    return Math.max(0, ticks / TICKS_PER_MS + this.baseMs - this.hostNow());
  }

  isPaused(): boolean {
    this.refresh();
    return this.paused;
  }

  // --- writer side: the VMM only ---

  pause(): void {
    if (!this.isPaused()) this.publish(true, this.baseMs, this.ticks());
  }

  resume(): void {
    if (this.isPaused()) this.publish(false, this.hostNow() - this.frozenTicks / TICKS_PER_MS, 0);
  }

  /** Set the guest time (snapshot restore); the clock stays paused or running as it was. */
  setTicks(ticks: number): void {
    if (!Number.isSafeInteger(ticks) || ticks < 0)
      throw new RangeError(`invalid guest time ${ticks}`);
    if (this.isPaused()) this.publish(true, this.baseMs, ticks);
    else this.publish(false, this.hostNow() - ticks / TICKS_PER_MS, 0);
  }

  private publish(paused: boolean, baseMs: number, frozenTicks: number): void {
    this.floats[BASE_MS] = baseMs;
    this.floats[FROZEN_TICKS] = frozenTicks;
    Atomics.store(this.ints, PAUSED, paused ? 1 : 0);
    Atomics.add(this.ints, GENERATION, 1);
  }

  private refresh(): void {
    const generation = Atomics.load(this.ints, GENERATION);
    if (generation === this.generation) return;
    this.generation = generation;
    this.paused = Atomics.load(this.ints, PAUSED) === 1;
    this.baseMs = this.floats[BASE_MS]!;
    this.frozenTicks = this.floats[FROZEN_TICKS]!;
  }
}
