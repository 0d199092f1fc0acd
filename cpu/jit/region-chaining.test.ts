// Regions compiled as one function: a loop over several blocks (forward branches, a forward
// jump, a backward branch to the loop's header) runs without returning to the dispatcher,
// and a budget that runs out inside it stops at a block boundary with pc, registers and instret
// exactly where the interpreter is after the same number of instructions. Regions in different
// pages tail-call each other (translate/region-chain.ts) without the dispatcher either.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  integerState,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import { JitHart } from './jit-hart';

const { a0, a1, t0, t1 } = A.X;
const ITERATIONS = 5000;

/** t0 counts down; odd t0 is added to a0, even t0 subtracted from a1. */
const LOOP = [
  ...A.li(t0, BigInt(ITERATIONS)),
  A.andi(t1, t0, 1), // loop:
  A.beq(t1, 0, 12), // → even
  A.add(a0, a0, t0),
  A.jal(0, 8), // → join
  A.sub(a1, a1, t0), // even:
  A.addi(t0, t0, -1), // join:
  A.bne(t0, 0, -24), // → loop
  A.SPIN,
];
const LOOP_END = RAM_BASE + BigInt((LOOP.length - 1) * 4);

async function machineWithLoop(): Promise<TestMachine> {
  const m = await createTestMachine();
  m.code(RAM_BASE, LOOP);
  return m;
}

describe('regions with chained blocks', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('runs a loop across several blocks inside one region call per poll interval', async () => {
    const m = await machineWithLoop();
    const jit = new JitHart(m.cpus[0]!, m.memory, 0);
    jit.run(100_000);
    const odd = (ITERATIONS / 2) ** 2; // 1 + 3 + … + (ITERATIONS - 1)
    expect(m.harts[0]!.x(a0)).toBe(BigInt(odd));
    expect(m.harts[0]!.x(a1)).toBe(
      BigInt.asUintN(64, -BigInt((ITERATIONS / 2) * (ITERATIONS / 2 + 1))),
    );
    expect(m.harts[0]!.pc).toBe(LOOP_END);
    const s = jit.stats;
    expect(s.regionsCompiled).toBeLessThanOrEqual(2);
    // Five instructions per iteration: far more per region call than one block's worth.
    expect(s.translatedInstructions / s.blockRuns).toBeGreaterThan(200);
  });

  it('stops inside the loop when the budget runs out and resumes at the right pc and instret', async () => {
    const jitMachine = await machineWithLoop();
    const reference = await machineWithLoop();
    const jit = new JitHart(jitMachine.cpus[0]!, jitMachine.memory, 0);
    const budgets = [1, 2, 3, 5, 7, 11, 333, 1000, 4097];
    for (let i = 0; jitMachine.harts[0]!.pc !== LOOP_END; i++) {
      jit.run(budgets[i % budgets.length]!);
      const ahead = jitMachine.harts[0]!.instret - reference.harts[0]!.instret;
      expect(ahead).toBeGreaterThanOrEqual(0n);
      if (ahead > 0n) reference.run(Number(ahead));
      expect(integerState(jitMachine)).toEqual(integerState(reference));
    }
    expect(jitMachine.harts[0]!.x(a0)).toBe(BigInt((ITERATIONS / 2) ** 2));
  });

  it('survives a trap inside translated code: counts a fault and goes on in the interpreter', async () => {
    const m = await machineWithLoop();
    const jit = new JitHart(m.cpus[0]!, m.memory, 0);
    jit.run(100);
    expect(jit.stats.regionsCompiled).toBeGreaterThan(0);
    // Break the table under the dispatcher (a stand-in for a JIT bug): its call_indirect traps.
    for (let slot = 0; slot < jit.cache.table.length; slot++) jit.cache.table.set(slot, null);
    jit.run(100);
    expect(jit.stats.faults).toBe(1);
    jit.run(100_000);
    expect(m.harts[0]!.pc).toBe(LOOP_END);
    expect(m.harts[0]!.x(a0)).toBe(BigInt((ITERATIONS / 2) ** 2));
  });

  it('chains a call into another page and its return without the dispatcher', async () => {
    const calls = 3000;
    const caller = [
      ...A.li(t0, BigInt(calls)),
      A.jal(A.X.ra, 0), // → f (offset patched below)
      A.addi(t0, t0, -1),
      A.bne(t0, 0, -8),
      A.SPIN,
    ];
    const call = caller.length - 4;
    caller[call] = A.jal(A.X.ra, 0x2000 - call * 4);
    const f = [A.addi(a0, a0, 3), A.add(a1, a1, a0), A.jalr(0, A.X.ra, 0)];
    const end = RAM_BASE + BigInt((caller.length - 1) * 4);
    const load = async () => {
      const m = await createTestMachine();
      m.code(RAM_BASE, caller);
      m.code(RAM_BASE + 0x2000n, f);
      return m;
    };
    const jitMachine = await load();
    const reference = await load();
    const jit = new JitHart(jitMachine.cpus[0]!, jitMachine.memory, 0);
    for (let i = 0; i < 100 && jitMachine.harts[0]!.pc !== end; i++) jit.run(1_000_000);
    reference.run(Number(jitMachine.harts[0]!.instret));
    expect(integerState(jitMachine)).toEqual(integerState(reference));
    expect(jitMachine.harts[0]!.x(a0)).toBe(BigInt(3 * calls));
    const s = jit.stats;
    expect(s.translatedInstructions).toBeGreaterThan(5 * calls);
    // Two regions per call and one per return: ≈ 2 calls of a region per iteration through
    // the dispatcher without chaining; with it the dispatcher calls one per poll interval.
    expect(s.blockRuns).toBeLessThan(calls / 10);
  });
});
