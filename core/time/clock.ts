/**
 * Time as core/ sees it: injected, never read from globals, so the same device code runs under a
 * browser worker, Node, or a test's fake clock (and snapshots can be replayed deterministically).
 */

/** A monotonic millisecond clock (e.g. `performance.now()`); fractions of a millisecond are allowed. */
export interface Clock {
  nowMs(): number;
}

/** Cancels a scheduled callback; calling it after the callback ran (or twice) does nothing. */
export type CancelScheduled = () => void;

/** Runs a callback later on the owner's event loop (the VMM worker's loop, Node's timers...). */
export interface Scheduler {
  schedule(delayMs: number, callback: () => void): CancelScheduled;
}
