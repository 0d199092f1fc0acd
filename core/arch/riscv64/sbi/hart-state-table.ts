/**
 * HSM states of every hart in one Int32Array, updated with Atomics so each vCPU worker can start
 * or query any hart when the array sits in shared memory. A convenience for machines implementing
 * {@link SbiPlatform.hartStatus} / {@link SbiPlatform.startHart}; any other storage works too.
 */
import { HsmState, type HsmStateId } from './sbi-constants';

export class HartStateTable {
  /**
   * @param words one word per hart (a view into shared memory when harts run in several workers)
   */
  constructor(
    private readonly words: Int32Array,
    readonly hartCount: number,
  ) {
    if (words.length < hartCount) throw new RangeError('HSM table is smaller than the hart count');
  }

  /** A private table with `bootHart` STARTED and every other hart STOPPED. */
  static create(hartCount: number, bootHart = 0): HartStateTable {
    const table = new HartStateTable(new Int32Array(hartCount), hartCount);
    table.reset(bootHart);
    return table;
  }

  /** Power-on state: the boot hart STARTED, the others STOPPED. */
  reset(bootHart = 0): void {
    for (let hart = 0; hart < this.hartCount; hart++) {
      Atomics.store(this.words, hart, hart === bootHart ? HsmState.STARTED : HsmState.STOPPED);
    }
  }

  status(hart: number): HsmStateId {
    return Atomics.load(this.words, hart) as HsmStateId;
  }

  /** STOPPED -> START_PENDING, atomically; false if the hart was in any other state. */
  tryStart(hart: number): boolean {
    return (
      Atomics.compareExchange(this.words, hart, HsmState.STOPPED, HsmState.START_PENDING) ===
      HsmState.STOPPED
    );
  }

  /** The hart's worker calls this when the started hart begins executing. */
  markStarted(hart: number): void {
    Atomics.store(this.words, hart, HsmState.STARTED);
  }

  markStopped(hart: number): void {
    Atomics.store(this.words, hart, HsmState.STOPPED);
  }

  markSuspended(hart: number, suspended: boolean): void {
    Atomics.store(this.words, hart, suspended ? HsmState.SUSPENDED : HsmState.STARTED);
  }
}
