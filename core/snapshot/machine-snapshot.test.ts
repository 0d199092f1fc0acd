import { describe, it, expect } from 'vitest';
import { SnapshotReader, SnapshotWriter } from './machine-snapshot';
import { SnapshotError } from './snapshot-error';
import { decodeState, encodeState } from './state-json';
import { decodeUtf8, encodeUtf8, utf8Length } from './utf8';

describe('state JSON', () => {
  it('round-trips bigint and Uint8Array inside nested state', () => {
    const state = {
      pc: 0xffff_ffff_8000_0000n,
      x: [0n, -5n, 1n << 63n],
      fifo: Uint8Array.of(0, 255, 16),
      label: 'héllo 🔥',
      nested: { ok: true, n: null },
    };
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('refuses malformed special values and bad UTF-8', () => {
    expect(() => decodeState(encodeUtf8('{"a":{"$bigint":"12x"}}'))).toThrow(SnapshotError);
    expect(() => decodeState(encodeUtf8('{"a":{"$bytes":"abc"}}'))).toThrow(SnapshotError);
    expect(() => decodeState(Uint8Array.of(0x7b, 0xc3))).toThrow(SnapshotError);
    expect(() => decodeState(encodeUtf8('{'))).toThrow(SnapshotError);
  });
});

describe('utf8', () => {
  it('agrees with TextEncoder/TextDecoder on mixed text', () => {
    const samples = ['', 'ascii', 'é', '€', '𝄞 music', 'a\u0000b', 'ﬀ\uFFFF'];
    for (const s of samples) {
      const reference = new TextEncoder().encode(s);
      expect(encodeUtf8(s)).toEqual(reference);
      expect(utf8Length(s)).toBe(reference.length);
      expect(decodeUtf8(reference)).toBe(s);
    }
    expect(encodeUtf8('\ud800x')).toEqual(new TextEncoder().encode('\ud800x'));
  });

  it('refuses overlong, truncated and surrogate encodings', () => {
    expect(decodeUtf8(Uint8Array.of(0xc0, 0x80))).toBeUndefined();
    expect(decodeUtf8(Uint8Array.of(0xe2, 0x82))).toBeUndefined();
    expect(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBeUndefined();
    expect(decodeUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBeUndefined();
  });
});

describe('SnapshotWriter / SnapshotReader', () => {
  it('assembles and reads back machine, cpus, devices and memory', () => {
    const bytes = new SnapshotWriter('riscv64')
      .setMachine({ memMib: 128, timebase: 10_000_000n })
      .setCpus([{ pc: 0x8020_0000n }, { pc: 0x8020_0004n }])
      .setDevice('uart', { ier: 1, rx: [65] })
      .setDevice('virtio-blk-rootfs', { queue: Uint8Array.of(1, 2) })
      .setMemory(Uint8Array.of(9, 8, 7))
      .encode(1234);
    const reader = SnapshotReader.decode(bytes, 'riscv64');
    expect(reader.header).toMatchObject({
      arch: 'riscv64',
      kindlingVersion: '0.1.0',
      createdAtMs: 1234,
    });
    expect(reader.machine).toEqual({ memMib: 128, timebase: 10_000_000n });
    expect(reader.cpus).toEqual([{ pc: 0x8020_0000n }, { pc: 0x8020_0004n }]);
    expect(reader.deviceIds()).toEqual(['uart', 'virtio-blk-rootfs']);
    expect(reader.device('virtio-blk-rootfs')).toEqual({ queue: Uint8Array.of(1, 2) });
    expect([...reader.memory!]).toEqual([9, 8, 7]);
    expect(() => reader.device('net0')).toThrow(/no state for device "net0"/);
  });

  it('refuses a snapshot of another architecture and duplicate device ids', () => {
    const bytes = new SnapshotWriter('x86_64').encode();
    expect(SnapshotReader.decode(bytes).memory).toBeUndefined();
    expect(() => SnapshotReader.decode(bytes, 'riscv64')).toThrow(/for x86_64/);
    expect(() => new SnapshotWriter('x86_64').setDevice('a', 1).setDevice('a', 2)).toThrow(/twice/);
  });
});
