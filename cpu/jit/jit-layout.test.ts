import { describe, it, expect } from 'vitest';
import * as J from './jit-layout';
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
    expect(versionsEnd).toBeLessThanOrEqual(J.JIT_CODE_GENERATION);
    expect(J.JIT_CODE_GENERATION + 4).toBeLessThanOrEqual(J.JIT_REGION_END);
    expect(J.JIT_REGION_END).toBeLessThanOrEqual(GUEST_RAM_WASM_BASE);
    // The bitmap covers every page the largest memory can hold.
    expect(J.JIT_CODE_BITMAP_SIZE * 8 * 4096).toBeGreaterThanOrEqual(2 ** 32 - GUEST_RAM_WASM_BASE);
    expect(J.JIT_CODE_GENERATION % 4).toBe(0);
    expect(J.JIT_PAGE_VERSIONS % 4).toBe(0);
  });
});
