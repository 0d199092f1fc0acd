// The interpreter's store hook for the JIT (memory.ts noteRamStore, atomics.ts): every kind of RAM
// write into a page whose code-bitmap bit is set clears the bit and bumps the page's version and
// the code generation, whether the store TLB was cold or warm before the page was marked (the
// JIT's marking clears the entries: cpu/jit/store-tlb-shootdown.ts); other pages are untouched.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import * as A from '../test-support/asm';
import { X } from '../test-support/asm';
import {
  JIT_CODE_BITMAP,
  JIT_CODE_GENERATION,
  JIT_PAGE_VERSIONS,
} from '../layout/wasm-memory';
import { markCodePage } from '../jit/store-tlb-shootdown';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

const PAGE = 0x1000n;
/** One data page per kind of store: sb, sh, sw, sd, fsd, sc.d, amoadd.d, a page-crossing sd (2). */
const TARGETS = [4, 5, 6, 7, 8, 9, 10, 11, 12];
const UNMARKED = 13;
/** s4..s8 (x20..x24; the encoder names only s0..s3). */
const [S4, S5, S6, S7, S8] = [20, 21, 22, 23, 24] as const;
const BASES = [X.s0, X.s1, X.s2, X.s3, S4, S5, S6, S7, S8];

const PROGRAM = [
  A.store(0, X.s0, X.t1, 0), // sb
  A.store(1, X.s1, X.t1, 0), // sh
  A.sw(X.s2, X.t1, 0),
  A.sd(X.s3, X.t1, 0),
  A.fsd(S4, 0, 0),
  A.amo(2, true, X.a0, S5, 0), // lr.d
  A.amo(3, true, X.a1, S5, X.t1), // sc.d (succeeds: a1 = 0)
  A.amo(0, true, X.a2, S6, X.t1), // amoadd.d
  A.sd(S7, X.t1, -4), // the last 4 bytes of page 11 and the first 4 of page 12
  A.sd(S8, X.t1, 0), // page 13: no code there
  A.SPIN,
];

function words(m: TestMachine) {
  const w = new Int32Array(m.memory.buffer);
  return {
    mark: (page: number) => markCodePage(w, page, 0),
    bit: (page: number) => (w[(JIT_CODE_BITMAP >> 2) + (page >>> 5)]! >>> (page & 31)) & 1,
    version: (page: number) => w[(JIT_PAGE_VERSIONS >> 2) + page]!,
    generation: () => w[JIT_CODE_GENERATION >> 2]!,
  };
}

async function machine(): Promise<TestMachine> {
  const m = await createTestMachine();
  m.code(RAM_BASE, PROGRAM);
  const hart = m.harts[0]!;
  // s0..s7 point at pages 4..11 (s7 at the start of page 12: its sd has offset -4), s8 at page 13.
  TARGETS.slice(0, 7).forEach((page, i) => hart.setX(BASES[i]!, RAM_BASE + BigInt(page) * PAGE));
  hart.setX(S7, RAM_BASE + 12n * PAGE);
  hart.setX(S8, RAM_BASE + BigInt(UNMARKED) * PAGE);
  hart.setX(X.t1, 0x1122334455667788n);
  return m;
}

describe('interpreter store hook for the JIT', () => {
  it('is announced by the CPU module', async () => {
    const m = await createTestMachine();
    const probe = (m.cpus[0] as unknown as { jit_tracks_code_stores?: () => number })
      .jit_tracks_code_stores;
    expect(probe?.()).toBe(1);
  });

  for (const tlb of ['cold (slow path)', 'warm (fast path)'] as const) {
    it(`invalidates pages holding code on every kind of store, TLB ${tlb}`, async () => {
      const m = await machine();
      const j = words(m);
      if (tlb.startsWith('warm')) {
        m.run(PROGRAM.length - 1); // fills the store TLB for every page
        expect(j.generation()).toBe(0);
        m.harts[0]!.pc = RAM_BASE;
      }
      for (const page of TARGETS) j.mark(page);
      m.run(PROGRAM.length - 1);
      expect(m.harts[0]!.pc).toBe(RAM_BASE + BigInt(PROGRAM.length - 1) * 4n);
      expect(m.harts[0]!.x(X.a1)).toBe(0n); // the SC succeeded
      expect(TARGETS.map(j.bit)).toEqual(TARGETS.map(() => 0));
      expect(TARGETS.map(j.version)).toEqual(TARGETS.map(() => 1));
      expect(j.generation()).toBe(TARGETS.length);
      expect(j.version(UNMARKED)).toBe(0);
    });
  }

  it('leaves the bitmap alone when a store fails (SC without reservation)', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [A.amo(3, true, X.a1, X.s0, X.t1), A.SPIN]);
    m.harts[0]!.setX(X.s0, RAM_BASE + 4n * PAGE);
    const j = words(m);
    j.mark(4);
    m.run(1);
    expect(m.harts[0]!.x(X.a1)).toBe(1n);
    expect(j.bit(4)).toBe(1);
    expect(j.generation()).toBe(0);
  });
});
