import { describe, it, expect } from 'vitest';
import { GuestMemory, GuestMemoryError } from './guest-memory';
import { addressFromHalves, toGuestAddress as ga } from './guest-address';

function twoRegions(): GuestMemory {
  const buf = new ArrayBuffer(0x3000);
  return new GuestMemory([
    { start: ga(0x1000), bytes: new Uint8Array(buf, 0, 0x1000) },
    { start: ga(0x2000), bytes: new Uint8Array(buf, 0x1000, 0x1000) },
    { start: ga(0x8000), bytes: new Uint8Array(buf, 0x2000, 0x1000) },
  ]);
}

describe('GuestMemory', () => {
  it('reads back little-endian values of every width', () => {
    const m = twoRegions();
    m.writeU8(ga(0x1000), 0xab);
    m.writeU16(ga(0x1002), 0x1234);
    m.writeU32(ga(0x1004), 0xdeadbeef);
    m.writeU64(ga(0x1008), 0x0102030405060708n);
    expect(m.readU8(ga(0x1000))).toBe(0xab);
    expect(m.readU8(ga(0x1002))).toBe(0x34);
    expect(m.readU16(ga(0x1002))).toBe(0x1234);
    expect(m.readU32(ga(0x1004))).toBe(0xdeadbeef);
    expect(m.readU64(ga(0x1008))).toBe(0x0102030405060708n);
    m.writeU64(ga(0x1018), 0x001f_0304_0506_0708n);
    expect(m.readU64AsNumber(ga(0x1018))).toBe(0x001f_0304_0506_0708);
    m.writeU64(ga(0x1010), 0xffff_ffff_ffff_ffffn);
    expect(() => m.readU64AsNumber(ga(0x1010))).toThrow(GuestMemoryError);
  });

  it('splits read/write across adjacent regions but not across a hole', () => {
    const m = twoRegions();
    const src = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    m.write(ga(0x1ff0), src);
    const dst = new Uint8Array(32);
    m.read(ga(0x1ff0), dst);
    expect(dst).toEqual(src);
    expect(() => m.readU32(ga(0x1ffe))).toThrow(GuestMemoryError);
    expect(() => m.slice(ga(0x1ff0), 32)).toThrow(GuestMemoryError);
    expect(m.slice(ga(0x2000), 16)).toEqual(src.subarray(16));
    // 0x3000..0x8000 is a hole: nothing is written when part of the range is missing.
    expect(() => m.write(ga(0x2ff0), new Uint8Array(32).fill(9))).toThrow(GuestMemoryError);
    expect(m.readU8(ga(0x2ff0))).toBe(0);
  });

  it('refuses negative, fractional, NaN, huge and wrapping ranges', () => {
    const m = twoRegions();
    for (const [addr, len] of [
      [-1, 1],
      [0.5, 1],
      [NaN, 1],
      [0x1000, -1],
      [0x1000, NaN],
      [Number.MAX_SAFE_INTEGER, 2],
      [0x8fff, 2],
      [0x0, 1],
      [2 ** 60, 1],
    ] as const) {
      expect(m.isRangeValid(addr, len)).toBe(false);
      if (len > 0) {
        expect(() => m.read(addr as never, new Uint8Array(len))).toThrow(GuestMemoryError);
      }
      expect(() => m.fill(addr as never, len, 0)).toThrow(GuestMemoryError);
    }
    expect(m.isRangeValid(0x8fff, 1)).toBe(true);
    expect(m.isRangeValid(0x8000, 0x1000)).toBe(true);
  });

  it('rejects overlapping or empty regions', () => {
    const b = new Uint8Array(0x100);
    expect(
      () =>
        new GuestMemory([
          { start: ga(0), bytes: b },
          { start: ga(0x80), bytes: b },
        ]),
    ).toThrow(/overlap/);
    expect(() => new GuestMemory([{ start: ga(0), bytes: new Uint8Array(0) }])).toThrow();
  });

  it('uses atomic ring-index accessors over shared memory', () => {
    const sab = new SharedArrayBuffer(0x100);
    const m = new GuestMemory([{ start: ga(0x8000_0000), bytes: new Uint8Array(sab) }]);
    m.storeU16Release(ga(0x8000_0010), 0xbeef);
    expect(new DataView(sab).getUint16(0x10, true)).toBe(0xbeef);
    expect(m.loadU16Acquire(ga(0x8000_0010))).toBe(0xbeef);
  });

  it('builds 64-bit addresses from register halves only below 2^53', () => {
    expect(addressFromHalves(0x8000_0000, 0)).toBe(0x8000_0000);
    expect(addressFromHalves(0, 1)).toBe(0x1_0000_0000);
    expect(addressFromHalves(0, 0x0020_0000)).toBeUndefined();
    expect(() => ga(-1)).toThrow(RangeError);
  });
});
