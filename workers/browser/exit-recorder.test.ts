import { describe, expect, it } from 'vitest';
import { EXIT_RING_SIZE, ExitRecorder } from './exit-recorder';
import type { BusRange } from '../../core/bus/bus';

const device = { read: () => undefined, write: () => undefined };
const ranges: BusRange[] = [
  { base: 0x1000_0000, size: 0x100, name: 'uart', device },
  { base: 0x1000_1000, size: 0x1000, name: 'virtio-rng', device },
];

describe('ExitRecorder', () => {
  it('records value, size, direction and the claiming device', () => {
    let now = 5;
    const recorder = new ExitRecorder(
      () => ranges,
      () => now,
    );
    recorder.record(true, 0x1000_0000, new Uint8Array([0x41]), true);
    now = 7;
    recorder.record(false, 0x1000_1070, new Uint8Array([0x0f, 0, 0, 0x80]), true);
    recorder.record(false, 0x2000_0000, new Uint8Array(8).fill(0xff), false);
    expect(recorder.recent()).toEqual([
      { atMs: 5, address: 0x1000_0000, size: 1, write: true, value: 0x41n, device: 'uart' },
      {
        atMs: 7,
        address: 0x1000_1070,
        size: 4,
        write: false,
        value: 0x8000000fn,
        device: 'virtio-rng',
      },
      {
        atMs: 7,
        address: 0x2000_0000,
        size: 8,
        write: false,
        value: 2n ** 64n - 1n,
        device: undefined,
      },
    ]);
  });

  it('keeps only the most recent exits, oldest first', () => {
    const recorder = new ExitRecorder(
      () => ranges,
      () => 0,
    );
    for (let i = 0; i < EXIT_RING_SIZE + 10; i++) {
      recorder.record(true, 0x1000_0000, new Uint8Array([i & 0xff]), true);
    }
    const recent = recorder.recent();
    expect(recent).toHaveLength(EXIT_RING_SIZE);
    expect(recent[0]!.value).toBe(10n);
    expect(recent.at(-1)!.value).toBe(BigInt((EXIT_RING_SIZE + 9) & 0xff));
  });
});
