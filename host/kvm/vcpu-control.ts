/**
 * Control words the VMM thread shares with one vCPU worker (an Int32Array over a SharedArrayBuffer),
 * defined once: stop and pause requests, the worker's "parked" acknowledgement, and the kick lock
 * slots of vcpu-kick.ts.
 */
import { KICK_SLOT } from './vcpu-kick';

export const CONTROL_SLOT = {
  stopRequested: 0,
  kickLock: KICK_SLOT.lock,
  kickFinished: KICK_SLOT.finished,
  pauseRequested: 3,
  /** 1 while the worker sits outside KVM_RUN because of a pause request. */
  parked: 4,
} as const;

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8 * 4));
}

/** In the worker, before each KVM_RUN: while a pause is requested, park (Atomics.wait) until resumed or stopped. */
export function parkWhilePaused(control: Int32Array): void {
  if (Atomics.load(control, CONTROL_SLOT.pauseRequested) === 0) return;
  Atomics.store(control, CONTROL_SLOT.parked, 1);
  Atomics.notify(control, CONTROL_SLOT.parked);
  while (
    Atomics.load(control, CONTROL_SLOT.pauseRequested) === 1 &&
    Atomics.load(control, CONTROL_SLOT.stopRequested) === 0
  ) {
    Atomics.wait(control, CONTROL_SLOT.pauseRequested, 1, 1000);
  }
  Atomics.store(control, CONTROL_SLOT.parked, 0);
  Atomics.notify(control, CONTROL_SLOT.parked);
}
