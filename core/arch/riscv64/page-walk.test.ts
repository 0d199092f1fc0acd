import { describe, it, expect } from 'vitest';
import { walkPageTable } from './page-walk';

/** A sparse physical memory of 64-bit words. */
function memory(words: Record<string, bigint>) {
  const reads: bigint[] = [];
  const read = (pa: bigint) => {
    reads.push(pa);
    return words[pa.toString(16)] ?? (pa >= 0x8000_0000n && pa < 0x9000_0000n ? 0n : undefined);
  };
  return { read, reads };
}

const V = 1n,
  R = 2n,
  W = 4n,
  X = 8n,
  A = 64n,
  D = 128n;
const pte = (pa: bigint, flags: bigint) => ((pa >> 12n) << 10n) | flags;
const SV39 = 8n << 60n;
const SV48 = 9n << 60n;

describe('read-only page walk', () => {
  it('follows Sv39 down to a 4 KiB page and reports every level', () => {
    const root = 0x8010_0000n,
      mid = 0x8010_1000n,
      leaf = 0x8010_2000n;
    const va = 0x6030_4567n; // vpn2=1, vpn1=0x101, vpn0=0x104
    const m = memory({
      [(root + 1n * 8n).toString(16)]: pte(mid, V),
      [(mid + 0x101n * 8n).toString(16)]: pte(leaf, V),
      [(leaf + 0x104n * 8n).toString(16)]: pte(0x8765_4000n, V | R | W | A | D),
    });
    const result = walkPageTable(SV39 | (root >> 12n), va, m.read);
    expect(result).toMatchObject({
      ok: true,
      physical: 0x8765_4567n,
      pageSize: 4096n,
      mode: 'Sv39',
    });
    expect(result.steps.map((s) => s.level)).toEqual([2, 1, 0]);
    expect(result.steps[2]!.flags).toBe('RW---AD');
  });

  it('handles Sv48 gigapages and keeps the low address bits', () => {
    const root = 0x8020_0000n,
      l2 = 0x8020_1000n;
    const va = 0xffff_ffff_8123_4567n; // kernel-style address
    const vpn3 = (va >> 39n) & 0x1ffn,
      vpn2 = (va >> 30n) & 0x1ffn;
    const m = memory({
      [(root + vpn3 * 8n).toString(16)]: pte(l2, V),
      [(l2 + vpn2 * 8n).toString(16)]: pte(0x8000_0000n, V | R | X | A),
    });
    const result = walkPageTable(SV48 | (root >> 12n), va, m.read);
    expect(result).toMatchObject({ ok: true, pageSize: 1n << 30n });
    if (result.ok) expect(result.physical).toBe(0x8000_0000n | (va & ((1n << 30n) - 1n)));
  });

  it('reports faults without touching anything: invalid, W-without-R, misaligned, non-canonical, outside RAM', () => {
    const root = 0x8030_0000n;
    expect(walkPageTable(SV39 | (root >> 12n), 0x1000n, memory({}).read)).toMatchObject({
      ok: false,
      reason: 'invalid entry at level 2',
    });
    const wOnly = memory({ [root.toString(16)]: pte(0x8040_0000n, V | W) });
    expect(walkPageTable(SV39 | (root >> 12n), 0x1000n, wOnly.read)).toMatchObject({
      ok: false,
      reason: 'invalid entry at level 2',
    });
    const misaligned = memory({ [root.toString(16)]: pte(0x8000_1000n, V | R) });
    expect(walkPageTable(SV39 | (root >> 12n), 0x1000n, misaligned.read)).toMatchObject({
      ok: false,
      reason: 'misaligned superpage at level 2',
    });
    expect(
      walkPageTable(SV39 | (root >> 12n), 0x0000_0080_0000_0000n, memory({}).read),
    ).toMatchObject({ ok: false, reason: 'not canonical for Sv39' });
    expect(walkPageTable(SV39 | (0x1000_0000n >> 12n), 0x1000n, memory({}).read)).toMatchObject({
      ok: false,
    });
    expect(walkPageTable(0n, 0x1234n, memory({}).read)).toMatchObject({
      ok: true,
      physical: 0x1234n,
      mode: 'Bare',
    });
  });
});
