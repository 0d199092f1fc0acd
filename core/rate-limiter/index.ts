export type { RateLimiterConfig, TokenBucketConfig, TokenKind } from './config';
export { isBucketEnabled } from './config';
export { RateLimiter, REFILL_RETRY_MS, type RateLimiterState } from './rate-limiter';
export { TokenBucket, type BucketReduction, type TokenBucketState } from './token-bucket';
