/**
 * Kicking a vCPU out of KVM_RUN from another thread, race-free.
 *
 * The vCPU thread blocks KICK_SIGNAL for itself and tells KVM (KVM_SET_SIGNAL_MASK) to unblock it
 * only while inside KVM_RUN. A thread-directed pthread_kill then either interrupts KVM_RUN (EINTR) or,
 * if it lands between runs, stays pending (blocked) and makes the next KVM_RUN return EINTR at once.
 * No signal handler ever runs, so no JavaScript is re-entered; the worker consumes the pending signal
 * with sigtimedwait. Measured to work under kvm_pvm (see PVM.md).
 *
 * pthread_kill on a thread that has exited is undefined behaviour, so kicker and worker share a
 * spin lock: the worker marks itself finished under the lock and the kicker only signals while it
 * holds the lock and the worker is not finished.
 */
import { blockSignalsInThisThread, pthreadKill, sigsetOf, takePendingSignal } from './libc';
import type { KvmVcpu } from './vcpu';

/** SIGRTMIN + 6 with glibc (SIGRTMIN = 34): unused by Node, libuv and glibc. */
export const KICK_SIGNAL = 40;

export const KICK_SLOT = { lock: 1, finished: 2 } as const;

function withLock<T>(control: Int32Array, action: () => T): T {
  while (Atomics.compareExchange(control, KICK_SLOT.lock, 0, 1) !== 0) {
    // Held only for the duration of one pthread_kill or one store: spin.
  }
  try {
    return action();
  } finally {
    Atomics.store(control, KICK_SLOT.lock, 0);
  }
}

/** In the vCPU thread, before the first run. */
export function prepareKickableThread(vcpu: KvmVcpu): Uint8Array {
  const set = sigsetOf(KICK_SIGNAL);
  blockSignalsInThisThread(set);
  vcpu.setRunSignalMask(new Uint8Array(8));
  return set;
}

/** In the vCPU thread, after run() returned interrupted. */
export function consumeKick(set: Uint8Array): void {
  takePendingSignal(set);
}

/** In the vCPU thread, once it will not enter KVM_RUN again. */
export function markFinished(control: Int32Array): void {
  withLock(control, () => Atomics.store(control, KICK_SLOT.finished, 1));
}

/** From any thread: interrupts the vCPU thread `thread` unless it has finished. */
export function kick(control: Int32Array, thread: bigint): boolean {
  return withLock(control, () => {
    if (Atomics.load(control, KICK_SLOT.finished) === 1) return false;
    pthreadKill(thread, KICK_SIGNAL);
    return true;
  });
}
