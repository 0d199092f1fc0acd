// Loops inside a region (translate/region-structure.ts, region-flow.ts): a loop nested in a
// loop runs inside one region call, and the region can be entered at a block in the middle of
// a loop — here after each load that misses the TLB, which the interpreter runs — with the state
// identical to the interpreter's at every stop.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import type { JitHart } from './jit-hart';
import { runInLockstep } from './harness/lockstep.node';

const { a0, a1, a2, a3, t0, t1, t2, ra, sp } = A.X;
const PAGES = 300; // more than the TLB's 256 entries: every page's first load misses
const INNER = 5;
const DATA = RAM_BASE + 0x10000n;

/** For each of PAGES pages: INNER passes, the odd ones adding the page's first word to a0. */
const PROGRAM = [
  ...A.li(t0, BigInt(PAGES)),
  ...A.li(a2, DATA),
  A.addi(t1, 0, INNER), // outer:
  A.andi(t2, t1, 1), // inner:
  A.beq(t2, 0, 12), // → skip
  A.load(6, a3, a2, 0), // lwu; the first of each page misses the TLB
  A.add(a0, a0, a3),
  A.addi(t1, t1, -1), // skip: (inside the inner loop, not its header)
  A.bne(t1, 0, -20), // → inner
  A.addi(a2, a2, 2047),
  A.addi(a2, a2, 2047),
  A.addi(a2, a2, 2), // next page
  A.addi(t0, t0, -1),
  A.bne(t0, 0, -44), // → outer
  A.SPIN,
];

async function load(program = PROGRAM): Promise<TestMachine> {
  const m = await createTestMachine();
  m.code(RAM_BASE, program);
  for (let p = 0; p < PAGES; p++) m.code(DATA + BigInt(p) * 4096n, [p + 1]);
  return m;
}

/** Runs `program` on the JIT with varied budgets, the same instructions on the interpreter
 * after each call, and compares: pc, instret, registers. */
async function runBoth(
  program: number[],
  end = RAM_BASE + BigInt((program.length - 1) * 4),
): Promise<{ m: TestMachine; jit: JitHart }> {
  const m = await load(program);
  const reference = await load(program);
  const jit = runInLockstep(m, reference, end, [7, 100, 13, 2000, 1, 50_000]);
  return { m, jit };
}

const ROUNDS = 1000;

/** An inner loop entered at its top in odd rounds and in its middle in even ones. */
const TWO_ENTRIES = [
  ...A.li(t1, BigInt(ROUNDS)),
  A.andi(t2, t1, 1), // outer:
  A.addi(t0, 0, 3),
  A.beq(t2, 0, 8), // → mid
  A.addi(a0, a0, 1), // top:
  A.addi(a1, a1, 1), // mid:
  A.addi(t0, t0, -1),
  A.bne(t0, 0, -12), // → top
  A.addi(t1, t1, -1),
  A.bne(t1, 0, -32), // → outer
  A.SPIN,
];

const DEPTH = 200;

/** sum(n) = n + sum(n - 1), recursive: its returns go back into its own body. */
const RECURSIVE = [
  ...A.li(sp, RAM_BASE + 0x8000n),
  A.addi(a0, 0, DEPTH),
  A.jal(ra, 8), // → sum
  A.SPIN,
  A.beq(a0, 0, 44), // sum: → base
  A.addi(sp, sp, -16),
  A.sd(sp, ra, 8),
  A.sd(sp, a0, 0),
  A.addi(a0, a0, -1),
  A.jal(ra, -20), // → sum
  A.ld(t0, sp, 0),
  A.add(a0, a0, t0),
  A.ld(ra, sp, 8),
  A.addi(sp, sp, 16),
  A.jalr(0, ra, 0),
  A.jalr(0, ra, 0), // base:
];

/** The same with calls as `auipc ra; jalr ra` (translate/block-reader.ts reads them as jumps to
 * their constant target): t1 keeps the auipc's value, ra the link. */
const RECURSIVE_FAR = [
  ...A.li(sp, RAM_BASE + 0x8000n),
  A.addi(a0, 0, DEPTH),
  A.auipc(ra, 0),
  A.jalr(ra, ra, 12), // → sum
  A.SPIN,
  A.beq(a0, 0, 52), // sum: → base
  A.addi(sp, sp, -16),
  A.sd(sp, ra, 8),
  A.sd(sp, a0, 0),
  A.addi(a0, a0, -1),
  A.auipc(t1, 0),
  A.jalr(ra, t1, -20), // → sum
  A.ld(t0, sp, 0),
  A.add(a0, a0, t0),
  A.add(a1, a1, t1),
  A.ld(ra, sp, 8),
  A.addi(sp, sp, 16),
  A.jalr(0, ra, 0),
  A.jalr(0, ra, 0), // base:
];

describe('loops in a region', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('runs nested loops and re-enters mid-loop after interpreted loads, exact at every stop', async () => {
    const { m, jit } = await runBoth(PROGRAM);
    // Three odd passes of five per page: 3 × (1 + 2 + … + PAGES).
    expect(m.harts[0]!.x(a0)).toBe(BigInt((3 * PAGES * (PAGES + 1)) / 2));
    const s = jit.stats;
    expect(s.interpretedSteps).toBeGreaterThanOrEqual(PAGES); // each page's missing load
    expect(s.regionsCompiled).toBeLessThanOrEqual(3);
    expect(s.translatedInstructions).toBeGreaterThan(s.interpretedSteps * 10);
  });

  it('jumps into a loop at two places (not a natural loop) inside the region', async () => {
    const { m, jit } = await runBoth(TWO_ENTRIES);
    expect(m.harts[0]!.x(a0)).toBe(BigInt((ROUNDS / 2) * 3 + (ROUNDS / 2) * 2));
    expect(m.harts[0]!.x(a1)).toBe(BigInt(ROUNDS * 3));
    expect(jit.stats.regionsCompiled).toBe(1);
  });

  it('returns of a recursive function into its own body stay inside the region', async () => {
    const spin = RAM_BASE + BigInt(RECURSIVE.indexOf(A.SPIN) * 4);
    const { m, jit } = await runBoth(RECURSIVE, spin);
    expect(m.harts[0]!.x(a0)).toBe(BigInt((DEPTH * (DEPTH + 1)) / 2));
    // Each level's call and return without a dispatcher turn in between.
    expect(jit.stats.blockRuns).toBeLessThan(DEPTH / 4);
  });

  it('a function calling itself through auipc + jalr runs exact at every stop', async () => {
    const spin = RAM_BASE + BigInt(RECURSIVE_FAR.indexOf(A.SPIN) * 4);
    const { m } = await runBoth(RECURSIVE_FAR, spin);
    expect(m.harts[0]!.x(a0)).toBe(BigInt((DEPTH * (DEPTH + 1)) / 2));
    const auipc = RAM_BASE + BigInt(RECURSIVE_FAR.indexOf(A.auipc(t1, 0)) * 4);
    expect(m.harts[0]!.x(a1)).toBe(BigInt.asUintN(64, auipc * BigInt(DEPTH)));
  });
});
