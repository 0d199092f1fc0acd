import type { TokenBucketConfig } from './config';

/** Outcome of taking tokens from a bucket (Firecracker's `BucketReduction`). */
export type BucketReduction =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure' }
  /** More tokens than the bucket's size were taken; `ratio` = excess / size, i.e. how many
   *  full refill periods the caller must now wait. */
  | { readonly kind: 'over-consumption'; readonly ratio: number };

/** Persisted bucket state: configuration plus what is left and how long ago it was refilled. */
export interface TokenBucketState {
  size: number;
  initialOneTimeBurst: number;
  refillTimeMs: number;
  oneTimeBurst: number;
  budget: number;
  msSinceLastUpdate: number;
}

const SUCCESS: BucketReduction = { kind: 'success' };
const FAILURE: BucketReduction = { kind: 'failure' };

/**
 * Token bucket with Firecracker's semantics: starts full (budget = size) plus a one-time burst
 * that is spent first and never refills; refill is continuous and proportional to elapsed time,
 * computed lazily only when a request does not fit in the current budget.
 */
export class TokenBucket {
  private constructor(
    readonly size: number,
    readonly initialOneTimeBurst: number,
    readonly refillTimeMs: number,
    private oneTimeBurstLeft: number,
    private budgetLeft: number,
    private lastUpdateMs: number,
  ) {}

  /** A full bucket, or `undefined` when the configuration disables it (size or refill_time 0). */
  static create(config: TokenBucketConfig, nowMs: number): TokenBucket | undefined {
    assertBucketConfig(config);
    if (config.size === 0 || config.refill_time === 0) return undefined;
    const burst = config.one_time_burst ?? 0;
    return new TokenBucket(config.size, burst, config.refill_time, burst, config.size, nowMs);
  }

  static restore(state: TokenBucketState, nowMs: number): TokenBucket | undefined {
    const bucket = TokenBucket.create(
      {
        size: state.size,
        one_time_burst: state.initialOneTimeBurst,
        refill_time: state.refillTimeMs,
      },
      nowMs,
    );
    if (!bucket) return undefined;
    bucket.oneTimeBurstLeft = clamp(state.oneTimeBurst, 0, bucket.initialOneTimeBurst);
    bucket.budgetLeft = clamp(state.budget, 0, bucket.size);
    bucket.lastUpdateMs = nowMs - Math.max(0, state.msSinceLastUpdate);
    return bucket;
  }

  get budget(): number {
    return this.budgetLeft;
  }

  get oneTimeBurst(): number {
    return this.oneTimeBurstLeft;
  }

  config(): TokenBucketConfig {
    const config: TokenBucketConfig = { size: this.size, refill_time: this.refillTimeMs };
    if (this.initialOneTimeBurst > 0) config.one_time_burst = this.initialOneTimeBurst;
    return config;
  }

  save(nowMs: number): TokenBucketState {
    return {
      size: this.size,
      initialOneTimeBurst: this.initialOneTimeBurst,
      refillTimeMs: this.refillTimeMs,
      oneTimeBurst: this.oneTimeBurstLeft,
      budget: this.budgetLeft,
      msSinceLastUpdate: Math.max(0, nowMs - this.lastUpdateMs),
    };
  }

  /** Takes `tokens`; see `BucketReduction` for the three outcomes. */
  reduce(tokens: number, nowMs: number): BucketReduction {
    let wanted = tokens;
    if (this.oneTimeBurstLeft > 0) {
      if (this.oneTimeBurstLeft >= wanted) {
        this.oneTimeBurstLeft -= wanted;
        this.lastUpdateMs = nowMs;
        return SUCCESS;
      }
      wanted -= this.oneTimeBurstLeft;
      this.oneTimeBurstLeft = 0;
    }
    if (wanted > this.budgetLeft) {
      this.autoReplenish(nowMs);
      if (wanted > this.size) {
        // Larger than the whole bucket: let it through, empty the bucket and report how much
        // it overdrew so the caller blocks for the matching time.
        const excess = wanted - this.budgetLeft;
        this.budgetLeft = 0;
        return { kind: 'over-consumption', ratio: excess / this.size };
      }
      if (wanted > this.budgetLeft) return FAILURE;
    }
    this.budgetLeft -= wanted;
    return SUCCESS;
  }

  /** Gives tokens back (e.g. a request that was not carried out): to the burst while it lasts. */
  forceReplenish(tokens: number): void {
    if (this.oneTimeBurstLeft > 0) {
      this.oneTimeBurstLeft = Math.min(this.oneTimeBurstLeft + tokens, this.initialOneTimeBurst);
      return;
    }
    this.budgetLeft = Math.min(this.budgetLeft + tokens, this.size);
  }

  /** Adds the whole tokens earned since the last update; the fractional remainder keeps accruing. */
  private autoReplenish(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastUpdateMs);
    if (elapsed >= this.refillTimeMs) {
      this.budgetLeft = this.size;
      this.lastUpdateMs = nowMs;
      return;
    }
    const earned = Math.floor((elapsed * this.size) / this.refillTimeMs);
    if (earned === 0) return;
    this.lastUpdateMs = Math.min(
      nowMs,
      this.lastUpdateMs + (earned * this.refillTimeMs) / this.size,
    );
    this.budgetLeft = Math.min(this.budgetLeft + earned, this.size);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

function assertBucketConfig(config: TokenBucketConfig): void {
  const fields: [string, number | undefined][] = [
    ['size', config.size],
    ['one_time_burst', config.one_time_burst],
    ['refill_time', config.refill_time],
  ];
  for (const [name, value] of fields) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`token bucket ${name} must be a non-negative integer, got ${value}`);
    }
  }
}
