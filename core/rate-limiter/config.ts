/**
 * Rate limiter configuration, in the exact JSON shape of Firecracker's API (`RateLimiter` and
 * `TokenBucket` in its swagger): used by drives, network interfaces and the entropy device.
 */

/** One token bucket: `size` tokens, refilled continuously over `refill_time` milliseconds. */
export interface TokenBucketConfig {
  /** Bucket capacity in tokens (bytes or operations). 0 disables the bucket. */
  size: number;
  /** Extra tokens available once, consumed before the budget, never refilled. */
  one_time_burst?: number;
  /** Milliseconds to refill the whole bucket from empty. 0 disables the bucket. */
  refill_time: number;
}

export interface RateLimiterConfig {
  bandwidth?: TokenBucketConfig;
  ops?: TokenBucketConfig;
}

export type TokenKind = 'bandwidth' | 'ops';

/** A bucket limits anything only when both its size and its refill time are non-zero. */
export function isBucketEnabled(config: TokenBucketConfig | undefined): boolean {
  return config !== undefined && config.size > 0 && config.refill_time > 0;
}
