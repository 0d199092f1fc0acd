import { describe, expect, it } from 'vitest';
import { e820For, E820_TYPE, ramRegions } from './e820';

const MIB = 2 ** 20;

describe('e820 map', () => {
  it('leaves the legacy hole below 1 MiB out of RAM', () => {
    expect(e820For(64 * MIB)).toEqual([
      { address: 0, size: 0x9fc00, type: E820_TYPE.ram },
      { address: 0x100000, size: 63 * MIB, type: E820_TYPE.ram },
    ]);
  });

  it('cuts RAM at the 3 GiB MMIO hole and continues it above 4 GiB', () => {
    const big = e820For(4 * 2 ** 30);
    expect(big).toHaveLength(3);
    expect(big[1]).toEqual({ address: 0x100000, size: 0xc0000000 - 0x100000, type: 1 });
    expect(big[2]).toEqual({ address: 2 ** 32, size: 2 ** 30, type: 1 });
    expect(ramRegions(4 * 2 ** 30)).toEqual([
      [0, 0xc0000000],
      [2 ** 32, 2 ** 30],
    ]);
    expect(ramRegions(128 * MIB)).toEqual([[0, 128 * MIB]]);
  });

  it('refuses a VM with no RAM above 1 MiB', () => {
    expect(() => e820For(MIB)).toThrow(RangeError);
    expect(() => e820For(Number.NaN)).toThrow(RangeError);
  });
});
