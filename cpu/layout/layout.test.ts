import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as H from './hart-state';
import * as W from './wasm-memory';
import * as C from './machine-config';
import * as J from '../jit/jit-layout';

/** Sizes of the hart-state fields that are not single 8-byte slots. */
const FIELD_SIZES: Record<string, number> = {
  HS_X: 256,
  HS_F: 256,
  HS_PRIV: 4,
  HS_CONTROL: 4,
  HS_PENDING: 4,
  HS_BUS_ERROR: 4,
  HS_IN_WFI: 4,
  HS_TLB_EPOCH: 4,
  HS_EXIT_DETAIL: 4,
  HS_TRAP_REPEAT: 4,
  HS_PMPADDR: 128,
  HS_COUNT_TRAP_BY_CAUSE: 8 * H.HS_COUNT_ARRAY_LEN,
  HS_COUNT_IRQ_BY_CAUSE: 8 * H.HS_COUNT_ARRAY_LEN,
  HS_TLB_FETCH: H.TLB_ENTRIES * H.TLB_ENTRY_SIZE,
  HS_TLB_LOAD: H.TLB_ENTRIES * H.TLB_ENTRY_SIZE,
  HS_TLB_STORE: H.TLB_ENTRIES * H.TLB_ENTRY_SIZE,
};
const NOT_FIELDS = new Set(['HS_END', 'HS_COUNT_ARRAY_LEN']);

describe('shared layout', () => {
  it('hart-state fields are aligned, do not overlap and fit in the hart stride', () => {
    const fields = Object.entries(H)
      .filter(([name]) => name.startsWith('HS_') && !NOT_FIELDS.has(name))
      .map(([name, offset]) => ({ name, offset, size: FIELD_SIZES[name] ?? 8 }))
      .sort((a, b) => a.offset - b.offset);
    expect(fields.length).toBeGreaterThan(50);
    for (const field of fields) {
      expect(field.offset % Math.min(field.size, 8), field.name).toBe(0);
    }
    for (let i = 1; i < fields.length; i++) {
      const prev = fields[i - 1]!;
      const cur = fields[i]!;
      expect(prev.offset + prev.size, `${prev.name} overlaps ${cur.name}`).toBeLessThanOrEqual(
        cur.offset,
      );
    }
    const last = fields[fields.length - 1]!;
    expect(last.offset + last.size).toBeLessThanOrEqual(H.HS_END);
    expect(H.HS_END).toBeLessThanOrEqual(W.HART_STRIDE);
  });

  it('wasm memory regions are ordered: statics, RVC table, config, harts, RAM', () => {
    expect(W.STATICS_LIMIT).toBeLessThanOrEqual(W.RVC_TABLE_BASE);
    expect(W.RVC_TABLE_BASE + W.RVC_TABLE_SIZE).toBeLessThanOrEqual(W.MACHINE_CONFIG_BASE);
    expect(W.MACHINE_CONFIG_BASE + C.CFG_SIZE).toBeLessThanOrEqual(W.HART_STATE_BASE);
    expect(W.HART_STATE_BASE + W.MAX_HARTS * W.HART_STRIDE).toBeLessThanOrEqual(
      W.GUEST_RAM_WASM_BASE,
    );
    expect(W.WASM_MIN_PAGES * W.WASM_PAGE_SIZE).toBe(W.GUEST_RAM_WASM_BASE);
    expect(W.RVC_TABLE_SIZE).toBe(65536 * 4);
    expect(W.GUEST_RAM_PHYS_BASE).toBe(0x8000_0000);
  });

  it('machine-config words are aligned and inside the config block', () => {
    expect(C.CFG_RAM_SIZE % 8).toBe(0);
    for (const offset of [
      C.CFG_NUM_HARTS,
      C.CFG_FLAGS,
      C.CFG_POLL_INTERVAL,
      C.CFG_TRAP_LOOP_LIMIT,
    ]) {
      expect(offset % 4).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(8);
      expect(offset + 4).toBeLessThanOrEqual(C.CFG_SIZE);
    }
  });

  it('layout files contain only integer-literal constants (valid AssemblyScript and TypeScript)', () => {
    const dir = import.meta.dirname;
    for (const file of readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      for (const line of lines) {
        const code = line.trim();
        if (code === '' || code.startsWith('//') || code.startsWith('/*') || code.startsWith('*')) {
          continue;
        }
        expect(code, `${file}: ${code}`).toMatch(/^export const [A-Z0-9_]+ = (0|[1-9][0-9]*);$/);
      }
    }
  });

  it("the JIT words the interpreter's store hook uses match the JIT's own layout", () => {
    expect(W.JIT_CODE_BITMAP).toBe(J.JIT_CODE_BITMAP);
    expect(W.JIT_CODE_BITMAP_SIZE).toBe(J.JIT_CODE_BITMAP_SIZE);
    expect(W.JIT_PAGE_VERSIONS).toBe(J.JIT_PAGE_VERSIONS);
    expect(W.JIT_PAGE_VERSION_MASK).toBe(J.JIT_PAGE_VERSION_MASK);
    expect(W.JIT_BRANCH_HEAT).toBe(J.JIT_BRANCH_HEAT);
    expect(W.JIT_BRANCH_HEAT_MASK).toBe(J.JIT_BRANCH_HEAT_MASK);
    expect(W.JIT_BRANCH_HEAT_MULTIPLIER).toBe(J.JIT_BRANCH_HEAT_MULTIPLIER);
    expect(W.JIT_BRANCH_HEAT_TAG_MASK).toBe(J.JIT_BRANCH_HEAT_TAG_MASK);
    expect(W.JIT_BRANCH_HEAT_COUNT_MASK).toBe(J.JIT_BRANCH_HEAT_COUNT_MASK);
    expect(W.JIT_CODE_GENERATION).toBe(J.JIT_CODE_GENERATION);
    expect(W.JIT_STORE_RACES).toBe(J.JIT_STORE_RACES);
    expect(J.JIT_STORE_RACES + W.MAX_HARTS * 4).toBeLessThanOrEqual(J.JIT_REGION_END);
    expect(J.JIT_STORE_RACES).toBeGreaterThanOrEqual(J.JIT_CODE_GENERATION + 4);
    // The bitmap covers every RAM page a machine can have, and the region ends below RAM.
    expect(J.JIT_CODE_BITMAP_SIZE * 8 * 4096).toBeGreaterThanOrEqual(
      W.WASM_MAX_PAGES * W.WASM_PAGE_SIZE - W.GUEST_RAM_WASM_BASE,
    );
    expect(W.HART_STATE_BASE + W.MAX_HARTS * W.HART_STRIDE).toBeLessThanOrEqual(W.JIT_CODE_BITMAP);
    expect(J.JIT_REGION_END).toBeLessThanOrEqual(W.GUEST_RAM_WASM_BASE);
  });
});
