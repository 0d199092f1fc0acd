import { describe, it, expect } from 'vitest';
import { loadElf, ElfError } from './elf';
import { buildElf } from './test-support/elf-builder';

const BASE = 0x8000_0000n;

describe('loadElf', () => {
  it('copies segments to their physical addresses and zero-fills bss', () => {
    const ram = new Uint8Array(0x10000).fill(0xee);
    const elf = buildElf({
      entry: BASE + 4n,
      segments: [
        { paddr: BASE, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
        { paddr: BASE + 0x1000n, data: Uint8Array.of(9), memSize: 16 },
      ],
    });
    const image = loadElf(elf, ram, BASE);
    expect(image.entry).toBe(BASE + 4n);
    expect(Array.from(ram.subarray(0, 9))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0xee]);
    expect(Array.from(ram.subarray(0x1000, 0x1011))).toEqual([9, ...Array(15).fill(0), 0xee]);
    expect(image.segments.map((s) => s.memSize)).toEqual([8, 16]);
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['a text file', new TextEncoder().encode('#!/bin/sh\necho not an elf\n'), /bad magic/],
    ['a 32-bit ELF', buildElf({ entry: BASE, segments: [], elfClass: 1 }), /64-bit/],
    ['an x86-64 ELF', buildElf({ entry: BASE, segments: [], machine: 62 }), /RISC-V/],
    ['a shared object', buildElf({ entry: BASE, segments: [], type: 3 }), /executable/],
    ['no segments', buildElf({ entry: BASE, segments: [] }), /no loadable/],
    [
      'a segment below RAM',
      buildElf({ entry: BASE, segments: [{ paddr: 0x1000n, data: Uint8Array.of(1) }] }),
      /outside RAM/,
    ],
    [
      'a segment past the end of RAM',
      buildElf({ entry: BASE, segments: [{ paddr: BASE + 0xfff0n, data: new Uint8Array(32) }] }),
      /outside RAM/,
    ],
    [
      'an entry point outside RAM',
      buildElf({ entry: 0x1000n, segments: [{ paddr: BASE, data: Uint8Array.of(1) }] }),
      /entry point/,
    ],
  ];
  it.each(bad)('rejects %s with a clear ElfError', (_name, bytes, message) => {
    const ram = new Uint8Array(0x10000);
    expect(() => loadElf(bytes, ram, BASE)).toThrow(ElfError);
    expect(() => loadElf(bytes, ram, BASE)).toThrow(message);
  });

  it('rejects a truncated file', () => {
    const elf = buildElf({ entry: BASE, segments: [{ paddr: BASE, data: new Uint8Array(64) }] });
    expect(() => loadElf(elf.subarray(0, elf.length - 10), new Uint8Array(0x10000), BASE)).toThrow(
      /past the end/,
    );
  });
});
