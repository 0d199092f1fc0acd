import { describe, it, expect } from 'vitest';
import { ManualClock } from '../time/manual-clock';
import { RateLimiter, REFILL_RETRY_MS } from './rate-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('is disabled when size or refill_time is 0', () => {
    expect(TokenBucket.create({ size: 0, refill_time: 100 }, 0)).toBeUndefined();
    expect(TokenBucket.create({ size: 100, refill_time: 0 }, 0)).toBeUndefined();
    expect(TokenBucket.create({ size: 1, refill_time: 1 }, 0)).toBeDefined();
  });

  it('refuses non-integer or negative configuration', () => {
    expect(() => TokenBucket.create({ size: -1, refill_time: 100 }, 0)).toThrow(/size/);
    expect(() => TokenBucket.create({ size: 10, refill_time: 1.5 }, 0)).toThrow(/refill_time/);
  });

  it('starts full and refills continuously in proportion to elapsed time', () => {
    const bucket = TokenBucket.create({ size: 1000, refill_time: 1000 }, 0)!;
    expect(bucket.reduce(1000, 0).kind).toBe('success');
    expect(bucket.reduce(1, 0).kind).toBe('failure');
    // 250 ms of a 1000 ms refill → 250 tokens.
    expect(bucket.reduce(251, 250).kind).toBe('failure');
    expect(bucket.budget).toBe(250);
    expect(bucket.reduce(250, 250).kind).toBe('success');
    // A full refill period (or more) fills the bucket, capped at size.
    expect(bucket.reduce(1000, 5000).kind).toBe('success');
    expect(bucket.budget).toBe(0);
  });

  it('keeps the fractional part of a refill for later', () => {
    const bucket = TokenBucket.create({ size: 3, refill_time: 10 }, 0)!;
    expect(bucket.reduce(3, 0).kind).toBe('success');
    // 5 ms earns 1.5 tokens: 1 now, the half token is not lost.
    expect(bucket.reduce(2, 5).kind).toBe('failure');
    expect(bucket.budget).toBe(1);
    expect(bucket.reduce(2, 7).kind).toBe('success'); // 7 ms total → 2.1 tokens earned
  });

  it('spends the one-time burst first and never refills it', () => {
    const bucket = TokenBucket.create({ size: 100, one_time_burst: 50, refill_time: 100 }, 0)!;
    expect(bucket.reduce(30, 0).kind).toBe('success');
    expect(bucket.oneTimeBurst).toBe(20);
    expect(bucket.budget).toBe(100);
    // 20 from the burst, 80 from the budget.
    expect(bucket.reduce(100, 0).kind).toBe('success');
    expect(bucket.oneTimeBurst).toBe(0);
    expect(bucket.budget).toBe(20);
    expect(bucket.reduce(100, 1000).kind).toBe('success');
    expect(bucket.oneTimeBurst).toBe(0);
  });

  it('lets an oversized request through and reports by how much it overdrew', () => {
    const bucket = TokenBucket.create({ size: 100, refill_time: 1000 }, 0)!;
    expect(bucket.reduce(40, 0).kind).toBe('success');
    const outcome = bucket.reduce(310, 0);
    // 60 left in the budget pay part of it; 250 are owed = 2.5 refill periods.
    expect(outcome).toEqual({ kind: 'over-consumption', ratio: 2.5 });
    expect(bucket.budget).toBe(0);
  });

  it('replenishes the burst while it lasts, then the budget, capped', () => {
    const bucket = TokenBucket.create({ size: 10, one_time_burst: 5, refill_time: 10 }, 0)!;
    bucket.reduce(3, 0);
    bucket.forceReplenish(10);
    expect(bucket.oneTimeBurst).toBe(5);
    bucket.reduce(12, 0);
    expect(bucket.budget).toBe(3);
    bucket.forceReplenish(4);
    expect(bucket.budget).toBe(7);
    bucket.forceReplenish(100);
    expect(bucket.budget).toBe(10);
  });
});

describe('RateLimiter', () => {
  it('with no buckets never limits', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({}, clock);
    expect(limiter.consume(1e12, 'bandwidth')).toBe(true);
    expect(limiter.consume(1e12, 'ops')).toBe(true);
    expect(limiter.isBlocked()).toBe(false);
    expect(limiter.msUntilRefill()).toBeUndefined();
  });

  it('treats size 0 or refill_time 0 as unlimited', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(
      { bandwidth: { size: 0, refill_time: 100 }, ops: { size: 5, refill_time: 0 } },
      clock,
    );
    for (let i = 0; i < 100; i++) expect(limiter.consume(1000, 'bandwidth')).toBe(true);
    for (let i = 0; i < 100; i++) expect(limiter.consume(1, 'ops')).toBe(true);
    expect(limiter.config()).toEqual({});
  });

  it('blocks after a refused request, then resumes after the retry delay', () => {
    const clock = new ManualClock(1000);
    const limiter = new RateLimiter({ ops: { size: 10, refill_time: 1000 } }, clock);
    for (let i = 0; i < 10; i++) expect(limiter.consume(1, 'ops')).toBe(true);
    expect(limiter.consume(1, 'ops')).toBe(false);
    expect(limiter.isBlocked()).toBe(true);
    expect(limiter.msUntilRefill()).toBe(REFILL_RETRY_MS);
    // While blocked even the other, unlimited kind is refused (one limiter, one timer).
    expect(limiter.consume(1, 'bandwidth')).toBe(false);
    clock.advance(REFILL_RETRY_MS - 1);
    expect(limiter.isBlocked()).toBe(true);
    expect(limiter.msUntilRefill()).toBe(1);
    clock.advance(1);
    expect(limiter.isBlocked()).toBe(false);
    // 100 ms of a 1000 ms refill for 10 ops = 1 op.
    expect(limiter.consume(1, 'ops')).toBe(true);
    expect(limiter.consume(1, 'ops')).toBe(false);
  });

  it('blocks for the overdrawn time after an oversized request', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ bandwidth: { size: 1000, refill_time: 100 } }, clock);
    expect(limiter.consume(3000, 'bandwidth')).toBe(true);
    // 2000 owed = 2 refills of 100 ms.
    expect(limiter.msUntilRefill()).toBe(200);
    expect(limiter.consume(1, 'bandwidth')).toBe(false);
    clock.advance(200);
    expect(limiter.consume(1000, 'bandwidth')).toBe(true);
  });

  it('applies the one-time burst on top of a full bucket', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(
      { bandwidth: { size: 100, one_time_burst: 1000, refill_time: 1000 } },
      clock,
    );
    expect(limiter.consume(1000, 'bandwidth')).toBe(true);
    expect(limiter.consume(100, 'bandwidth')).toBe(true);
    expect(limiter.consume(1, 'bandwidth')).toBe(false);
  });

  it('manualReplenish gives tokens back to the right bucket', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(
      { bandwidth: { size: 100, refill_time: 1000 }, ops: { size: 2, refill_time: 1000 } },
      clock,
    );
    expect(limiter.consume(100, 'bandwidth')).toBe(true);
    limiter.manualReplenish(60, 'bandwidth');
    expect(limiter.budget('bandwidth')).toEqual({ budget: 60, oneTimeBurst: 0 });
    expect(limiter.budget('ops')).toEqual({ budget: 2, oneTimeBurst: 0 });
    expect(limiter.consume(60, 'bandwidth')).toBe(true);
  });

  it('update replaces the named buckets with fresh ones and leaves the others alone', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(
      { bandwidth: { size: 100, refill_time: 1000 }, ops: { size: 10, refill_time: 1000 } },
      clock,
    );
    limiter.consume(100, 'bandwidth');
    limiter.consume(4, 'ops');
    limiter.update({ bandwidth: { size: 500, one_time_burst: 7, refill_time: 10 } });
    expect(limiter.budget('bandwidth')).toEqual({ budget: 500, oneTimeBurst: 7 });
    expect(limiter.budget('ops')).toEqual({ budget: 6, oneTimeBurst: 0 });
    limiter.update({ ops: { size: 0, refill_time: 0 } });
    expect(limiter.budget('ops')).toBeUndefined();
    expect(limiter.config()).toEqual({
      bandwidth: { size: 500, one_time_burst: 7, refill_time: 10 },
    });
  });

  it('update keeps a pending block', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ ops: { size: 1, refill_time: 1000 } }, clock);
    limiter.consume(1, 'ops');
    expect(limiter.consume(1, 'ops')).toBe(false);
    limiter.update({ ops: { size: 1000, refill_time: 1 } });
    expect(limiter.isBlocked()).toBe(true);
  });

  it('saves and restores budgets and the blocked deadline', () => {
    const clock = new ManualClock(50);
    const limiter = new RateLimiter({ bandwidth: { size: 100, refill_time: 1000 } }, clock);
    limiter.consume(100, 'bandwidth');
    limiter.consume(50, 'bandwidth');
    clock.advance(30);
    const state = JSON.parse(JSON.stringify(limiter.save())) as ReturnType<RateLimiter['save']>;
    const other = new ManualClock(9000);
    const restored = RateLimiter.restore(state, other);
    expect(restored.msUntilRefill()).toBe(70);
    expect(restored.budget('bandwidth')).toEqual({ budget: 0, oneTimeBurst: 0 });
    other.advance(70);
    // 100 ms since the last update → 10 tokens.
    expect(restored.consume(10, 'bandwidth')).toBe(true);
    expect(restored.consume(1, 'bandwidth')).toBe(false);
  });
});
