import { describe, it, expect } from 'vitest';
import { GUEST_TICKS_PER_SECOND, GuestClock } from './guest-clock';

function fakeHost(startMs = 1_700_000_000_000) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('guest clock', () => {
  it('starts paused at zero and runs at 10 MHz once resumed', () => {
    const host = fakeHost();
    const clock = GuestClock.create(host.now);
    host.advance(500);
    expect(clock.ticks()).toBe(0);
    clock.resume();
    host.advance(1000);
    expect(clock.ticks()).toBe(GUEST_TICKS_PER_SECOND);
  });

  it('freezes while paused and continues without a jump', () => {
    const host = fakeHost();
    const clock = GuestClock.create(host.now);
    clock.resume();
    host.advance(2);
    clock.pause();
    const frozen = clock.ticks();
    host.advance(60_000);
    expect(clock.ticks()).toBe(frozen);
    expect(clock.msUntil(frozen + 1)).toBe(Infinity);
    clock.resume();
    host.advance(1);
    expect(clock.ticks()).toBe(frozen + 10_000);
  });

  it('is the same clock in another thread: a reader over the same buffer sees every change', () => {
    const host = fakeHost();
    const writer = GuestClock.create(host.now);
    const reader = new GuestClock(writer.buffer, host.now);
    writer.resume();
    host.advance(3);
    expect(reader.ticks()).toBe(30_000);
    writer.setTicks(123_456_789);
    expect(reader.ticks()).toBe(123_456_789);
    expect(reader.msUntil(123_456_789 + 20_000)).toBeCloseTo(2, 9);
    writer.pause();
    host.advance(10);
    expect(reader.isPaused()).toBe(true);
    expect(reader.ticks()).toBe(123_456_789);
  });

  it('refuses an invalid restored time', () => {
    const clock = GuestClock.create(fakeHost().now);
    expect(() => clock.setTicks(-1)).toThrow(RangeError);
    expect(() => clock.setTicks(1.5)).toThrow(RangeError);
  });
});
