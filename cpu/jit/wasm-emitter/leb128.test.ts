import { describe, it, expect } from 'vitest';
import { readS64, readU32, writeS32, writeS64, writeU32 } from './leb128';

const enc = (f: (out: number[]) => void): number[] => {
  const out: number[] = [];
  f(out);
  return out;
};

describe('LEB128', () => {
  it('encodes unsigned values (spec examples and edges)', () => {
    expect(enc((o) => writeU32(o, 0))).toEqual([0]);
    expect(enc((o) => writeU32(o, 127))).toEqual([0x7f]);
    expect(enc((o) => writeU32(o, 128))).toEqual([0x80, 0x01]);
    expect(enc((o) => writeU32(o, 624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(enc((o) => writeU32(o, 0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => writeU32([], -1)).toThrow(RangeError);
    expect(() => writeU32([], 2 ** 32)).toThrow(RangeError);
  });

  it('encodes signed 32-bit values with the sign bit of the last group', () => {
    expect(enc((o) => writeS32(o, -1))).toEqual([0x7f]);
    expect(enc((o) => writeS32(o, 63))).toEqual([0x3f]);
    expect(enc((o) => writeS32(o, 64))).toEqual([0xc0, 0x00]);
    expect(enc((o) => writeS32(o, -64))).toEqual([0x40]);
    expect(enc((o) => writeS32(o, -65))).toEqual([0xbf, 0x7f]);
    expect(enc((o) => writeS32(o, -123456))).toEqual([0xc0, 0xbb, 0x78]);
    expect(enc((o) => writeS32(o, -0x80000000))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('encodes INT64_MIN and INT64_MAX in ten bytes and round-trips them', () => {
    const min = enc((o) => writeS64(o, -(2n ** 63n)));
    expect(min).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    const max = enc((o) => writeS64(o, 2n ** 63n - 1n));
    expect(max).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    // Unsigned 64-bit patterns are taken as two's complement.
    expect(enc((o) => writeS64(o, 2n ** 64n - 1n))).toEqual([0x7f]);
    for (const v of [0n, 1n, -1n, 0x7fn, -0x80n, 2n ** 40n, -(2n ** 63n), 2n ** 63n - 1n]) {
      expect(
        readS64(
          enc((o) => writeS64(o, v)),
          0,
        ),
      ).toEqual({
        value: v,
        next: enc((o) => writeS64(o, v)).length,
      });
    }
    expect(readU32([0xe5, 0x8e, 0x26], 0)).toEqual({ value: 624485, next: 3 });
  });
});
