import { describe, it, expect } from 'vitest';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('runs due callbacks in time order at their due time and skips cancelled ones', () => {
    const clock = new ManualClock(100);
    const seen: string[] = [];
    clock.schedule(30, () => seen.push(`b@${clock.nowMs()}`));
    clock.schedule(10, () => seen.push(`a@${clock.nowMs()}`));
    const cancel = clock.schedule(20, () => seen.push('cancelled'));
    clock.schedule(50, () => seen.push('late'));
    cancel();
    clock.advance(40);
    expect(seen).toEqual(['a@110', 'b@130']);
    expect(clock.nowMs()).toBe(140);
    expect(clock.pendingCount()).toBe(1);
  });

  it('runs callbacks scheduled by callbacks when they fall inside the advance', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.schedule(5, () => {
      seen.push(clock.nowMs());
      clock.schedule(5, () => seen.push(clock.nowMs()));
    });
    clock.advance(12);
    expect(seen).toEqual([5, 10]);
  });
});
