/**
 * Signals into a hart from any thread, through the words the CPU polls in its shared state block:
 * interrupt-pending bits (the CPU ORs them into mip) and the control word (non-zero makes run()
 * return at the next poll point). Every change is followed by Atomics.notify on the word a sleeping
 * hart waits on, so WFI and parked threads wake at once.
 */
import { HART_STATE_BASE, HART_STRIDE } from '../../../cpu/layout/wasm-memory';
import { HS_CONTROL, HS_PENDING } from '../../../cpu/layout/hart-state';
import { PendingWordSink } from '../../../core/arch/riscv64/pending-word-sink';

/** mip.SSIP: set by SBI IPIs from any thread, cleared by the guest through sip. */
const SSIP = 1 << 1;

/** Control-word bits: why the VMM or another hart wants a hart out of run(). */
export const HartControl = {
  /** Pause: park until the bit clears (pause/resume, snapshot, shutdown). */
  Pause: 1 << 0,
  /** Flush the TLB (SBI remote sfence.vma), then continue. */
  FlushTlb: 1 << 1,
  /** Return from run() so the counters it keeps in locals reach shared memory, then continue. */
  SyncCounters: 1 << 2,
} as const;

export class HartSignals {
  private readonly words: Int32Array;
  /** The PLIC's view of the pending words (MEIP/SEIP). */
  readonly interrupts: PendingWordSink;

  constructor(memoryBuffer: SharedArrayBuffer | ArrayBuffer) {
    this.words = new Int32Array(memoryBuffer);
    this.interrupts = new PendingWordSink(this.words, (hart) => this.pendingIndex(hart));
  }

  pendingIndex(hart: number): number {
    return (HART_STATE_BASE + hart * HART_STRIDE + HS_PENDING) >> 2;
  }

  controlIndex(hart: number): number {
    return (HART_STATE_BASE + hart * HART_STRIDE + HS_CONTROL) >> 2;
  }

  /** SBI IPI: raise SSIP (the guest clears it through sip). */
  raiseSupervisorSoftwareInterrupt(hart: number): void {
    this.interrupts.setBits(hart, SSIP, true);
  }

  /** SBI clear_ipi: lower SSIP; returns whether it was pending. */
  clearSupervisorSoftwareInterrupt(hart: number): boolean {
    return (Atomics.and(this.words, this.pendingIndex(hart), ~SSIP) & SSIP) !== 0;
  }

  setControl(hart: number, bits: number): void {
    const i = this.controlIndex(hart);
    Atomics.or(this.words, i, bits);
    Atomics.notify(this.words, i);
    // A hart sleeping in WFI waits on its pending word: wake it so it sees the request.
    Atomics.notify(this.words, this.pendingIndex(hart));
  }

  clearControl(hart: number, bits: number): void {
    const i = this.controlIndex(hart);
    Atomics.and(this.words, i, ~bits);
    Atomics.notify(this.words, i);
  }

  control(hart: number): number {
    return Atomics.load(this.words, this.controlIndex(hart));
  }

  /** Block the calling thread while any of `bits` is set in the hart's control word. */
  waitWhileControl(hart: number, bits: number, timeoutMs = Infinity): void {
    const i = this.controlIndex(hart);
    for (;;) {
      const value = Atomics.load(this.words, i);
      if ((value & bits) === 0) return;
      if (Atomics.wait(this.words, i, value, timeoutMs) === 'timed-out') return;
    }
  }
}
