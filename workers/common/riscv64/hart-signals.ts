/**
 * Signals into a hart from any thread, through the words the CPU polls in its shared state block:
 * interrupt-pending bits (the CPU ORs them into mip) and the control word (non-zero makes run()
 * return at the next poll point). Every change is followed by Atomics.notify on the word a sleeping
 * hart waits on, so WFI and parked threads wake at once.
 */
import { HART_STATE_BASE, HART_STRIDE } from '../../../cpu/layout/wasm-memory';
import { HS_CONTROL, HS_PENDING } from '../../../cpu/layout/hart-state';

/** mip bit numbers (privileged spec). */
const SSIP = 1 << 1;
const SEIP = 1 << 9;
const MEIP = 1 << 11;

/** Control-word bits: why the VMM or another hart wants a hart out of run(). */
export const HartControl = {
  /** Pause: park until the bit clears (pause/resume, snapshot, shutdown). */
  Pause: 1 << 0,
  /** Flush the TLB (SBI remote sfence.vma), then continue. */
  FlushTlb: 1 << 1,
} as const;

export class HartSignals {
  private readonly words: Int32Array;

  constructor(memoryBuffer: SharedArrayBuffer | ArrayBuffer) {
    this.words = new Int32Array(memoryBuffer);
  }

  pendingIndex(hart: number): number {
    return (HART_STATE_BASE + hart * HART_STRIDE + HS_PENDING) >> 2;
  }

  controlIndex(hart: number): number {
    return (HART_STATE_BASE + hart * HART_STRIDE + HS_CONTROL) >> 2;
  }

  /** The PLIC's output for one hart context (implements the PLIC's HartInterruptSink). */
  setExternalInterrupt(hart: number, mode: 'M' | 'S', asserted: boolean): void {
    const bit = mode === 'M' ? MEIP : SEIP;
    const i = this.pendingIndex(hart);
    if (asserted) Atomics.or(this.words, i, bit);
    else Atomics.and(this.words, i, ~bit);
    Atomics.notify(this.words, i);
  }

  /** SBI IPI: raise SSIP (the guest clears it through sip). */
  raiseSupervisorSoftwareInterrupt(hart: number): void {
    const i = this.pendingIndex(hart);
    Atomics.or(this.words, i, SSIP);
    Atomics.notify(this.words, i);
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
