/** Devices come back to a queue after a rate limiter refills through core/time's Scheduler. */
export type { Scheduler } from '../time/clock';

/**
 * The shape of `core/rate-limiter/rate-limiter.ts`'s RateLimiter that devices rely on (declared
 * here so devices do not depend on that module's file).
 */
export interface TokenLimiter {
  consume(tokens: number, kind: 'bandwidth' | 'ops'): boolean;
  manualReplenish(tokens: number, kind: 'bandwidth' | 'ops'): void;
  isBlocked(): boolean;
  msUntilRefill(): number | undefined;
}

/**
 * Take one operation and `bytes` of bandwidth from `limiter`, all or nothing.
 * Returns true when the request may proceed.
 */
export function takeTokens(limiter: TokenLimiter | undefined, bytes: number): boolean {
  if (!limiter) return true;
  if (!limiter.consume(1, 'ops')) return false;
  if (bytes > 0 && !limiter.consume(bytes, 'bandwidth')) {
    limiter.manualReplenish(1, 'ops');
    return false;
  }
  return true;
}
