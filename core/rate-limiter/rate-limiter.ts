import type { Clock } from '../time/clock';
import type { RateLimiterConfig, TokenBucketConfig, TokenKind } from './config';
import { TokenBucket, type TokenBucketState } from './token-bucket';

/** How long a limiter stays blocked after a request did not fit (Firecracker's refill timer). */
export const REFILL_RETRY_MS = 100;

export interface RateLimiterState {
  bandwidth?: TokenBucketState;
  ops?: TokenBucketState;
  /** Remaining blocked time, if the limiter was blocked when saved. */
  msBlocked?: number;
}

/**
 * Firecracker's rate limiter: two independent token buckets (bytes and operations). A missing or
 * disabled bucket never limits. After a refused request the limiter is blocked for
 * `REFILL_RETRY_MS`; after an oversized request that was let through (more than the bucket's
 * size) it is blocked for as long as the bucket needs to pay the excess back. While blocked,
 * every `consume` fails; the owner's event loop asks `msUntilRefill()` and retries then.
 *
 * Instead of Firecracker's timerfd the blocked state is a deadline on the injected clock, so the
 * limiter needs no event-loop callback and unblocks itself once the deadline passes.
 */
export class RateLimiter {
  private bandwidth: TokenBucket | undefined;
  private ops: TokenBucket | undefined;
  private blockedUntilMs: number | undefined;

  constructor(
    config: RateLimiterConfig,
    private readonly clock: Clock,
  ) {
    const now = clock.nowMs();
    this.bandwidth = config.bandwidth && TokenBucket.create(config.bandwidth, now);
    this.ops = config.ops && TokenBucket.create(config.ops, now);
  }

  static restore(state: RateLimiterState, clock: Clock): RateLimiter {
    const limiter = new RateLimiter({}, clock);
    const now = clock.nowMs();
    limiter.bandwidth = state.bandwidth && TokenBucket.restore(state.bandwidth, now);
    limiter.ops = state.ops && TokenBucket.restore(state.ops, now);
    if (state.msBlocked !== undefined && state.msBlocked > 0) {
      limiter.blockedUntilMs = now + state.msBlocked;
    }
    return limiter;
  }

  /** Takes `tokens` of `kind`; `false` means "not now": retry after `msUntilRefill()`. */
  consume(tokens: number, kind: TokenKind): boolean {
    if (this.isBlocked()) return false;
    const bucket = this.bucket(kind);
    if (!bucket) return true;
    const now = this.clock.nowMs();
    const outcome = bucket.reduce(tokens, now);
    switch (outcome.kind) {
      case 'success':
        return true;
      case 'failure':
        this.blockedUntilMs = now + REFILL_RETRY_MS;
        return false;
      case 'over-consumption':
        this.blockedUntilMs = now + Math.floor(outcome.ratio * bucket.refillTimeMs);
        return true;
    }
  }

  /** Returns tokens that were taken but not used. */
  manualReplenish(tokens: number, kind: TokenKind): void {
    this.bucket(kind)?.forceReplenish(tokens);
  }

  isBlocked(): boolean {
    if (this.blockedUntilMs === undefined) return false;
    if (this.clock.nowMs() >= this.blockedUntilMs) {
      this.blockedUntilMs = undefined;
      return false;
    }
    return true;
  }

  /** Milliseconds until a blocked limiter accepts requests again; `undefined` when not blocked. */
  msUntilRefill(): number | undefined {
    if (!this.isBlocked() || this.blockedUntilMs === undefined) return undefined;
    return this.blockedUntilMs - this.clock.nowMs();
  }

  /**
   * Runtime update (PATCH): a bucket present in `config` is replaced by a fresh, full bucket (or
   * removed when its size or refill_time is 0); an absent bucket keeps its state. The blocked
   * deadline is kept, as Firecracker keeps its armed timer.
   */
  update(config: RateLimiterConfig): void {
    const now = this.clock.nowMs();
    if (config.bandwidth) this.bandwidth = TokenBucket.create(config.bandwidth, now);
    if (config.ops) this.ops = TokenBucket.create(config.ops, now);
  }

  /** The effective configuration (disabled buckets omitted), as `GET /vm/config` reports it. */
  config(): RateLimiterConfig {
    const config: RateLimiterConfig = {};
    const bandwidth: TokenBucketConfig | undefined = this.bandwidth?.config();
    const ops: TokenBucketConfig | undefined = this.ops?.config();
    if (bandwidth) config.bandwidth = bandwidth;
    if (ops) config.ops = ops;
    return config;
  }

  /** Budget left in a bucket (undefined when the bucket is disabled); for metrics and tests. */
  budget(kind: TokenKind): { budget: number; oneTimeBurst: number } | undefined {
    const bucket = this.bucket(kind);
    return bucket && { budget: bucket.budget, oneTimeBurst: bucket.oneTimeBurst };
  }

  save(): RateLimiterState {
    const now = this.clock.nowMs();
    const state: RateLimiterState = {};
    if (this.bandwidth) state.bandwidth = this.bandwidth.save(now);
    if (this.ops) state.ops = this.ops.save(now);
    const blocked = this.msUntilRefill();
    if (blocked !== undefined) state.msBlocked = blocked;
    return state;
  }

  private bucket(kind: TokenKind): TokenBucket | undefined {
    return kind === 'bandwidth' ? this.bandwidth : this.ops;
  }
}
