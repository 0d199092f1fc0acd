// Zihintpause's PAUSE: a FENCE hint that Linux's cpu_relax() puts in every spin-wait once the
// device tree lists zihintpause. Architecturally it does nothing; here a streak of them means the
// hart is waiting for another hart, which shares the host's cores with it (and with the VMM
// thread) and may be the lock holder whose thread is busy — translating code, or waiting for a
// device. Spinning then only takes a core from the thread that would end the wait, so after a
// streak the hart gives its thread up for a moment: what pause-loop exiting does for KVM guests.
import * as S from './state';
import { pause_yield } from './env';
import { HS_COUNT_PAUSE_YIELDS } from '../layout/hart-state';

/** The encoding of PAUSE (FENCE with pred = W, succ = 0, fm = 0, rs1 = rd = x0). */
export const PAUSE: u32 = 0x0100000f;
/** PAUSEs in a row (each within PAUSE_GAP instructions of the last) before the hart yields: a
 * wait of a few µs spins, a longer one yields (a spin-wait iteration is ≈ 8 instructions). */
const PAUSE_STREAK = 64;
const PAUSE_GAP: u64 = 64;

// Per CPU instance, which runs one hart in a vCPU worker (a heuristic either way).
let streak = 0;
let lastPause: u64 = 0;

export function pauseHint(): void {
  const gap = S.instret - lastPause;
  lastPause = S.instret;
  if (gap > PAUSE_GAP) streak = 0;
  if (++streak < PAUSE_STREAK) return;
  streak = 0;
  S.count(HS_COUNT_PAUSE_YIELDS);
  pause_yield(S.hartId);
  S.attention = true; // an interrupt may have arrived meanwhile
}
