import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/time/manual-clock';
import { ConsoleBatcher } from './console-batcher';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('ConsoleBatcher', () => {
  it('delivers small chunks together after the delay, in order', () => {
    const clock = new ManualClock();
    const out: string[] = [];
    const batcher = new ConsoleBatcher((b) => out.push(text(b)), clock, { delayMs: 16 });
    for (const c of 'hello') batcher.push(new TextEncoder().encode(c));
    expect(out).toEqual([]);
    clock.advance(15);
    expect(out).toEqual([]);
    clock.advance(1);
    expect(out).toEqual(['hello']);
    expect(clock.pendingCount()).toBe(0);
  });

  it('delivers at once when the size limit is reached', () => {
    const clock = new ManualClock();
    const sizes: number[] = [];
    const batcher = new ConsoleBatcher((b) => sizes.push(b.length), clock, { maxBytes: 100 });
    for (let i = 0; i < 10; i++) batcher.push(new Uint8Array(30));
    expect(sizes).toEqual([120, 120]);
    clock.advance(16);
    expect(sizes).toEqual([120, 120, 60]);
  });

  it('copies its input, so a reused producer buffer does not change pending output', () => {
    const clock = new ManualClock();
    const out: string[] = [];
    const batcher = new ConsoleBatcher((b) => out.push(text(b)), clock);
    const buf = new TextEncoder().encode('ab');
    batcher.push(buf);
    buf.set([0x7a, 0x7a]);
    batcher.flush();
    expect(out).toEqual(['ab']);
    batcher.flush();
    expect(out).toEqual(['ab']);
  });
});
