import { describe, it, expect } from 'vitest';
import { toGuestAddress } from '../../../core/memory';
import {
  GUEST_RAM_PHYS_BASE,
  GUEST_RAM_WASM_BASE,
  JIT_CODE_BITMAP,
  JIT_CODE_GENERATION,
  JIT_PAGE_VERSIONS,
  WASM_PAGE_SIZE,
} from '../../../cpu/layout/wasm-memory';
import { CodeTrackingGuestMemory } from './code-tracking-memory';

const RAM_BYTES = 64 * 4096;

function setup() {
  const pages = (GUEST_RAM_WASM_BASE + RAM_BYTES) / WASM_PAGE_SIZE;
  const wasm = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const words = new Int32Array(wasm.buffer);
  const memory = new CodeTrackingGuestMemory(
    [
      {
        start: toGuestAddress(GUEST_RAM_PHYS_BASE),
        bytes: new Uint8Array(wasm.buffer, GUEST_RAM_WASM_BASE, RAM_BYTES),
      },
    ],
    wasm,
  );
  const markCode = (page: number) => (words[(JIT_CODE_BITMAP >> 2) + (page >>> 5)]! |= 1 << page);
  const isCode = (page: number) => (words[(JIT_CODE_BITMAP >> 2) + (page >>> 5)]! >>> page) & 1;
  const version = (page: number) => words[(JIT_PAGE_VERSIONS >> 2) + page]!;
  const generation = () => words[JIT_CODE_GENERATION >> 2]!;
  const at = (page: number, offset = 0) =>
    toGuestAddress(GUEST_RAM_PHYS_BASE + page * 4096 + offset);
  return { memory, markCode, isCode, version, generation, at };
}

describe('CodeTrackingGuestMemory', () => {
  it('invalidates a page holding translated code when a device writes into it', () => {
    const t = setup();
    t.markCode(3);
    t.memory.writeU32(t.at(3, 16), 0x1234);
    expect(t.isCode(3)).toBe(0);
    expect(t.version(3)).toBe(1);
    expect(t.generation()).toBe(1);
    expect(t.memory.readU32(t.at(3, 16))).toBe(0x1234);
    // Writes to pages without code change nothing.
    t.memory.writeU64(t.at(4), 7n);
    t.memory.writeU8(t.at(3), 1); // the bit is clear now: no second bump
    expect(t.generation()).toBe(1);
  });

  it('covers every page a copy or fill spans, and every write width', () => {
    const t = setup();
    for (const page of [5, 6, 7, 9, 10, 11, 12, 13]) t.markCode(page);
    t.memory.write(t.at(5, 4000), new Uint8Array(5000)); // pages 5, 6 and 7
    expect([t.isCode(5), t.isCode(6), t.isCode(7)]).toEqual([0, 0, 0]);
    t.memory.fill(t.at(9), 1, 0xff);
    t.memory.writeU8(t.at(10), 1);
    t.memory.writeU16(t.at(11), 1);
    t.memory.storeU16Release(t.at(12), 1);
    t.memory.writeU32(t.at(13), 1);
    expect([9, 10, 11, 12, 13].map(t.isCode)).toEqual([0, 0, 0, 0, 0]);
    expect(t.generation()).toBe(8);
  });

  it('changes nothing when the base class refuses an access outside RAM', () => {
    const t = setup();
    t.markCode(0);
    expect(() => t.memory.writeU32(toGuestAddress(GUEST_RAM_PHYS_BASE - 4), 1)).toThrow();
    expect(() => t.memory.write(t.at(63, 4090), new Uint8Array(16))).toThrow();
    expect(t.isCode(0)).toBe(1);
    expect(t.generation()).toBe(0);
  });
});
