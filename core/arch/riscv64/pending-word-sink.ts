/**
 * Connects the PLIC's outputs to the CPU: each hart has a 32-bit "pending" word in shared memory
 * (cpu/layout/hart-state.ts HS_PENDING) whose bits use the mip numbering and which the hart ORs
 * into mip at its poll points. Bits are flipped with Atomics and the word is notified, so a hart
 * sleeping in WFI (Atomics.wait on that word) wakes up at once.
 */
import type { HartInterruptSink } from './plic';

/** mip bit numbers. */
export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

export class PendingWordSink implements HartInterruptSink {
  /**
   * @param words a view over the memory holding the pending words (shared across workers)
   * @param indexOf index in `words` of hart's pending word
   */
  constructor(
    private readonly words: Int32Array,
    private readonly indexOf: (hart: number) => number,
  ) {}

  setExternalInterrupt(hart: number, mode: 'M' | 'S', asserted: boolean): void {
    this.setBits(hart, mode === 'M' ? MIP_MEIP : MIP_SEIP, asserted);
  }

  /** Set or clear `bits` in hart's pending word and wake the hart if it waits on it. */
  setBits(hart: number, bits: number, asserted: boolean): void {
    const index = this.indexOf(hart);
    if (asserted) Atomics.or(this.words, index, bits);
    else Atomics.and(this.words, index, ~bits);
    Atomics.notify(this.words, index);
  }
}
