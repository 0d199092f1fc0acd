// The store TLB never maps a page marked as code (store-tlb-shootdown.ts, memory.ts
// storeTlbFill): marking clears every hart's entries for the page and posts the page to the
// other harts whose entry was live; the racing hart (takeStoreRace) or FENCE.I on any hart then
// invalidates it; the interpreter's fill refuses a marked page.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import { HS_TLB_STORE, TLB_ENTRY_SIZE } from '../layout/hart-state';
import { HART_STATE_BASE, HART_STRIDE } from '../layout/wasm-memory';
import * as J from './jit-layout';
import { markCodePage, takeStoreRace } from './store-tlb-shootdown';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

const { s0, s1, t1, a1 } = A.X;
const SPIN = A.jal(0, 0);
const FENCE_I = 0x0000100f;
const PAGE = 0x1000n;
/** RAM page indices the programs store to. */
const CODE = 8;
const DATA = 9;

function shared(m: TestMachine) {
  const w = new Int32Array(m.memory.buffer);
  return {
    w,
    /** Low tag word of the hart's store TLB entry for RAM page `page` (identity mapped). */
    tag: (hart: number, page: number) =>
      w[
        (HART_STATE_BASE + hart * HART_STRIDE + HS_TLB_STORE + (page & 255) * TLB_ENTRY_SIZE) >> 2
      ]!,
    bit: (page: number) => (w[(J.JIT_CODE_BITMAP >> 2) + (page >>> 5)]! >>> (page & 31)) & 1,
    version: (page: number) => w[(J.JIT_PAGE_VERSIONS >> 2) + page]!,
    generation: () => w[J.JIT_CODE_GENERATION >> 2]!,
    race: (hart: number) => w[(J.JIT_STORE_RACES >> 2) + hart]!,
  };
}

/** Two harts whose programs (at 0x0 and 0x400) store to the CODE page (s0), then DATA (s1). */
async function twoStoringHarts(): Promise<TestMachine> {
  const m = await createTestMachine({ harts: 2 });
  for (const [hart, at] of [
    [0, 0n],
    [1, 0x400n],
  ] as const) {
    m.code(RAM_BASE + at, [A.sd(s0, t1, 8 * hart), A.sd(s1, t1, 8 * hart), SPIN]);
    m.harts[hart]!.pc = RAM_BASE + at;
    m.harts[hart]!.setX(s0, RAM_BASE + BigInt(CODE) * PAGE);
    m.harts[hart]!.setX(s1, RAM_BASE + BigInt(DATA) * PAGE);
    m.harts[hart]!.setX(t1, 0x55n);
  }
  m.run(2, 0);
  m.run(2, 1);
  return m;
}

describe('store TLB shoot-down when a page becomes code', () => {
  it("clears every hart's entries for the page and posts it to the other harts", async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    for (const hart of [0, 1])
      for (const page of [CODE, DATA]) expect(s.tag(hart, page)).not.toBe(0);
    markCodePage(s.w, CODE, 0);
    expect(s.bit(CODE)).toBe(1);
    expect([s.tag(0, CODE), s.tag(1, CODE)]).toEqual([0, 0]);
    expect(s.tag(0, DATA)).not.toBe(0); // other pages keep their entries
    expect(s.tag(1, DATA)).not.toBe(0);
    // Hart 1 might have been between its TLB lookup and its store; hart 0 did the marking.
    expect([s.race(0), s.race(1)]).toEqual([0, CODE + 1]);
  });

  it('sends the next store to the page through the slow path, which invalidates it', async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    markCodePage(s.w, CODE, 0);
    m.harts[1]!.pc = RAM_BASE + 0x400n;
    m.run(1, 1);
    expect(s.bit(CODE)).toBe(0);
    expect(s.version(CODE)).toBe(1);
    expect(s.tag(1, CODE)).not.toBe(0); // refilled: the page holds no code any more
  });

  it('posts nothing for an entry of an earlier TLB epoch (it cannot be in use)', async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    m.cpus[1]!.tlb_flush(1);
    markCodePage(s.w, CODE, 0);
    expect(s.tag(1, CODE)).toBe(0);
    expect(s.race(1)).toBe(0);
  });

  it('lets the racing hart invalidate the page once past its store', async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    markCodePage(s.w, CODE, 0);
    expect(takeStoreRace(s.w, 1)).toBe(true);
    expect(s.race(1)).toBe(0);
    expect(s.bit(CODE)).toBe(0);
    expect(s.version(CODE)).toBe(1);
    expect(s.generation()).toBe(1);
    expect(takeStoreRace(s.w, 1)).toBe(false);
  });

  it('invalidates every marked page when two pages raced before the hart looked', async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    const OTHER = 20;
    Atomics.or(s.w, (J.JIT_CODE_BITMAP >> 2) + (OTHER >>> 5), 1 << (OTHER & 31));
    markCodePage(s.w, CODE, 0);
    markCodePage(s.w, DATA, 0);
    expect(s.race(1)).toBe(-1);
    takeStoreRace(s.w, 1);
    expect([CODE, DATA, OTHER].map(s.bit)).toEqual([0, 0, 0]);
    expect([CODE, DATA, OTHER].map(s.version)).toEqual([1, 1, 1]);
  });

  it("invalidates raced pages at FENCE.I on any hart, leaving the racing hart's word", async () => {
    const m = await twoStoringHarts();
    const s = shared(m);
    markCodePage(s.w, CODE, 0);
    m.code(RAM_BASE + 0x800n, [A.addi(0, 0, 0), FENCE_I, SPIN]);
    m.harts[0]!.pc = RAM_BASE + 0x800n;
    m.run(1, 0);
    expect(s.bit(CODE)).toBe(1); // a plain instruction does nothing
    m.run(1, 0);
    expect(s.bit(CODE)).toBe(0);
    expect(s.version(CODE)).toBe(1);
    expect(s.race(1)).toBe(CODE + 1); // the store may still be under way
  });

  it("refuses to fill the store TLB with a marked page (the interpreter's fill)", async () => {
    // SC.D without a reservation translates for a store, fills the store TLB, stores nothing.
    const m = await createTestMachine();
    m.code(RAM_BASE, [A.amo(3, true, a1, s0, t1), A.amo(3, true, a1, s1, t1), SPIN]);
    m.harts[0]!.setX(s0, RAM_BASE + BigInt(CODE) * PAGE);
    m.harts[0]!.setX(s1, RAM_BASE + BigInt(DATA) * PAGE);
    const s = shared(m);
    markCodePage(s.w, CODE, 0);
    m.run(2);
    expect(m.harts[0]!.x(a1)).toBe(1n); // both failed
    expect(s.bit(CODE)).toBe(1);
    expect(s.tag(0, CODE)).toBe(0);
    expect(s.tag(0, DATA)).not.toBe(0);
  });
});
