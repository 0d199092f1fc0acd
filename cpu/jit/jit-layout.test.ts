import { describe, it, expect } from 'vitest';
import * as J from './jit-layout';
import { branchHeatSet } from './branch-heat';
import { dispatchArea, ENTRY_BYTES, HEADER_BYTES, hashOffset } from './dispatch/dispatch-layout';
import {
  GUEST_RAM_WASM_BASE,
  HART_STATE_BASE,
  HART_STRIDE,
  MAX_HARTS,
} from '../layout/wasm-memory';

describe('JIT shared-memory region', () => {
  it('sits between the hart blocks and guest RAM without overlaps', () => {
    expect(J.JIT_CODE_BITMAP).toBeGreaterThanOrEqual(HART_STATE_BASE + MAX_HARTS * HART_STRIDE);
    expect(J.JIT_CODE_BITMAP + J.JIT_CODE_BITMAP_SIZE).toBeLessThanOrEqual(J.JIT_PAGE_VERSIONS);
    const versionsEnd = J.JIT_PAGE_VERSIONS + (J.JIT_PAGE_VERSION_MASK + 1) * 4;
    expect(versionsEnd).toBeLessThanOrEqual(J.JIT_BRANCH_HEAT);
    const heatEnd = J.JIT_BRANCH_HEAT + (J.JIT_BRANCH_HEAT_MASK + 1) * 4;
    expect(heatEnd).toBeLessThanOrEqual(J.JIT_CODE_GENERATION);
    expect(J.JIT_CODE_GENERATION + 4).toBeLessThanOrEqual(J.JIT_REGION_END);
    expect(J.JIT_REGION_END).toBeLessThanOrEqual(GUEST_RAM_WASM_BASE);
    // The bitmap covers every page the largest memory can hold.
    expect(J.JIT_CODE_BITMAP_SIZE * 8 * 4096).toBeGreaterThanOrEqual(2 ** 32 - GUEST_RAM_WASM_BASE);
    expect(J.JIT_CODE_GENERATION % 4).toBe(0);
    expect(J.JIT_PAGE_VERSIONS % 4).toBe(0);
    expect(J.JIT_BRANCH_HEAT % 4).toBe(0);
  });

  it('spreads branch targets over the whole branch-heat table (sets of two counters)', () => {
    const sets = new Set<number>();
    for (let pc = 0; pc < 65536; pc += 2) sets.add(branchHeatSet(GUEST_RAM_WASM_BASE + pc));
    expect(sets.size).toBeGreaterThan(0.6 * ((J.JIT_BRANCH_HEAT_MASK + 1) / 2));
    expect([...sets].every((s) => s % 2 === 0)).toBe(true);
    expect(Math.min(...sets)).toBeGreaterThanOrEqual(J.JIT_BRANCH_HEAT >> 2);
    expect(Math.max(...sets) + 1).toBeLessThanOrEqual(
      (J.JIT_BRANCH_HEAT >> 2) + J.JIT_BRANCH_HEAT_MASK,
    );
  });

  it('gives every hart its own dispatch area between the JIT words and guest RAM', () => {
    expect(J.JIT_DISPATCH_BASE).toBeGreaterThanOrEqual(J.JIT_REGION_END);
    expect(J.JIT_DISPATCH_END).toBeLessThanOrEqual(GUEST_RAM_WASM_BASE);
    for (let harts = 1; harts <= MAX_HARTS; harts++) {
      let end = J.JIT_DISPATCH_BASE;
      for (let hart = 0; hart < harts; hart++) {
        const area = dispatchArea(harts, hart);
        expect(area.header).toBeGreaterThanOrEqual(end);
        expect(area.entries).toBe(area.header + HEADER_BYTES);
        end = area.entries + ENTRY_BYTES * 2 ** area.bits;
        expect(end).toBeLessThanOrEqual(J.JIT_DISPATCH_END);
        expect(area.bits).toBeGreaterThanOrEqual(10); // at least 1024 entries
      }
    }
    // The hash spreads consecutive instruction addresses over the whole table.
    const slots = new Set<number>();
    for (let pc = GUEST_RAM_WASM_BASE; pc < GUEST_RAM_WASM_BASE + 2048; pc += 2) {
      const offset = hashOffset(pc, 10);
      expect(offset).toBeLessThan(ENTRY_BYTES * 1024);
      slots.add(offset);
    }
    expect(slots.size).toBeGreaterThan(600);
  });
});
