import { describe, it, expect } from 'vitest';
import { GuardedMemory } from '../test-support/test-memory';
import { DescFlag } from './constants';
import { readDescriptorChain } from './descriptor-chain';
import { needEvent, Virtqueue } from './queue';
import { QueueError } from './queue-error';

const BASE = 0x8000_0000;
const DESC = BASE;
const AVAIL = BASE + 0x1000;
const USED = BASE + 0x2000;
const TABLE = BASE + 0x3000;

function mem(): GuardedMemory {
  return new GuardedMemory([{ start: BASE, size: 0x8000 }]);
}

function desc(
  m: GuardedMemory,
  at: number,
  addr: number,
  len: number,
  flags: number,
  next = 0,
): void {
  m.writeU64(at as never, BigInt(addr));
  m.writeU32((at + 8) as never, len);
  m.writeU16((at + 12) as never, flags);
  m.writeU16((at + 14) as never, next);
}

function readyQueue(m: GuardedMemory, size = 8): Virtqueue {
  const q = new Virtqueue(16);
  expect(q.setSize(size)).toBe(true);
  q.setDescTable(DESC);
  q.setAvailRing(AVAIL);
  q.setUsedRing(USED);
  expect(q.setReady(true, m)).toBe(true);
  return q;
}

const chain = (m: GuardedMemory, head = 0, indirect = true) =>
  readDescriptorChain(m, DESC as never, 8, head, indirect);

describe('descriptor chains', () => {
  it('splits readable and writable buffers, following NEXT links', () => {
    const m = mem();
    desc(m, DESC, BASE + 0x4000, 16, DescFlag.NEXT, 3);
    desc(m, DESC + 48, BASE + 0x4100, 100, DescFlag.NEXT | DescFlag.WRITE, 5);
    desc(m, DESC + 80, BASE + 0x4200, 1, DescFlag.WRITE);
    const c = chain(m);
    expect(c.readable).toEqual([{ addr: BASE + 0x4000, len: 16 }]);
    expect(c.writable.map((b) => b.len)).toEqual([100, 1]);
    expect([c.readableBytes, c.writableBytes]).toEqual([16, 101]);
  });

  it('follows one indirect table', () => {
    const m = mem();
    desc(m, DESC, TABLE, 32, DescFlag.INDIRECT);
    desc(m, TABLE, BASE + 0x4000, 8, DescFlag.NEXT, 1);
    desc(m, TABLE + 16, BASE + 0x4100, 8, DescFlag.WRITE);
    const c = chain(m);
    expect([c.readableBytes, c.writableBytes]).toEqual([8, 8]);
  });

  const bad: Array<[string, (m: GuardedMemory) => void, RegExp]> = [
    ['a loop', (m) => desc(m, DESC, BASE + 0x4000, 1, DescFlag.NEXT, 0), /longer/],
    [
      'next beyond the table',
      (m) => desc(m, DESC, BASE + 0x4000, 1, DescFlag.NEXT, 8),
      /next index/,
    ],
    ['a buffer past the end of RAM', (m) => desc(m, DESC, BASE + 0x7ff0, 0x20, 0), /outside/],
    ['an address ≥ 2^53', (m) => desc(m, DESC, 2 ** 53, 1, 0), /2\^53/],
    [
      'readable after writable',
      (m) => {
        desc(m, DESC, BASE + 0x4000, 1, DescFlag.WRITE | DescFlag.NEXT, 1);
        desc(m, DESC + 16, BASE + 0x4000, 1, 0);
      },
      /readable buffer after/,
    ],
    [
      'nested indirect',
      (m) => {
        desc(m, DESC, TABLE, 16, DescFlag.INDIRECT);
        desc(m, TABLE, TABLE, 16, DescFlag.INDIRECT);
      },
      /nested/,
    ],
    [
      'indirect with NEXT',
      (m) => desc(m, DESC, TABLE, 16, DescFlag.INDIRECT | DescFlag.NEXT, 1),
      /NEXT/,
    ],
    [
      'indirect length not a multiple of 16',
      (m) => desc(m, DESC, TABLE, 24, DescFlag.INDIRECT),
      /multiple/,
    ],
    ['an empty indirect table', (m) => desc(m, DESC, TABLE, 0, DescFlag.INDIRECT), /multiple/],
    [
      'an indirect table outside RAM',
      (m) => desc(m, DESC, BASE + 0x7ff0, 32, DescFlag.INDIRECT),
      /outside/,
    ],
    [
      'a loop inside an indirect table',
      (m) => {
        desc(m, DESC, TABLE, 32, DescFlag.INDIRECT);
        desc(m, TABLE, BASE, 1, DescFlag.NEXT, 1);
        desc(m, TABLE + 16, BASE, 1, DescFlag.NEXT, 0);
      },
      /longer/,
    ],
  ];
  for (const [name, build, message] of bad) {
    it(`rejects ${name}`, () => {
      const m = mem();
      build(m);
      expect(() => chain(m)).toThrow(QueueError);
      expect(() => chain(m)).toThrow(message);
    });
  }

  it('rejects an indirect descriptor when the feature was not negotiated', () => {
    const m = mem();
    desc(m, DESC, TABLE, 16, DescFlag.INDIRECT);
    expect(() => chain(m, 0, false)).toThrow(/not negotiated/);
  });

  it('rejects a head index ≥ queue size', () => {
    expect(() => chain(mem(), 8)).toThrow(/head 8/);
  });
});

describe('Virtqueue', () => {
  it('refuses bad sizes and changes while ready, keeping the old values', () => {
    const m = mem();
    const q = new Virtqueue(16);
    expect([q.setSize(0), q.setSize(12), q.setSize(32), q.setSize(1.5)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(q.size).toBe(16);
    q.setDescTable(DESC + 8); // misaligned
    q.setAvailRing(AVAIL);
    q.setUsedRing(USED);
    expect(q.setReady(true, m)).toBe(false);
    q.setDescTable(DESC);
    q.setUsedRing(USED + 2); // used ring needs 4-byte alignment
    expect(q.setReady(true, m)).toBe(false);
    q.setUsedRing(USED);
    expect(q.setReady(true, m)).toBe(true);
    expect(q.setSize(8)).toBe(false);
    expect(q.setDescTable(0)).toBe(false);
    expect(q.descTable).toBe(DESC);
  });

  it('wraps 16-bit ring indices and publishes used entries before the index', () => {
    const m = mem();
    const q = readyQueue(m, 4);
    desc(m, DESC, BASE + 0x4000, 4, DescFlag.WRITE);
    q.restore({ ...q.save(), nextAvail: 0xffff, nextUsed: 0xffff });
    m.writeU16((AVAIL + 4 + 2 * (0xffff % 4)) as never, 0);
    m.writeU16((AVAIL + 4) as never, 0);
    m.writeU16((AVAIL + 2) as never, 1); // two entries: indices 0xffff and 0
    expect(q.pending(m)).toBe(2);
    for (let i = 0; i < 2; i++) {
      const c = q.pop(m);
      expect(c?.head).toBe(0);
      q.addUsed(m, 0, 4);
    }
    expect(q.pop(m)).toBeUndefined();
    expect(m.readU16((USED + 2) as never)).toBe(1);
    expect(m.readU32((USED + 4 + 8 * 3) as never)).toBe(0);
    expect(m.readU32((USED + 4 + 8 * 3 + 4) as never)).toBe(4);
  });

  it('treats an avail index running more than a ring ahead as corruption', () => {
    const m = mem();
    const q = readyQueue(m, 4);
    m.writeU16((AVAIL + 2) as never, 5);
    expect(() => q.pop(m)).toThrow(QueueError);
  });

  it('implements vring_need_event', () => {
    expect(needEvent(0, 1, 0)).toBe(true);
    expect(needEvent(1, 1, 0)).toBe(false);
    expect(needEvent(5, 7, 3)).toBe(true);
    expect(needEvent(7, 7, 3)).toBe(false);
    expect(needEvent(0xffff, 1, 0xfffe)).toBe(true); // across the wrap
  });
});
