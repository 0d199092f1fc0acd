import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import { createGuestMemory } from '../loader';
import { GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import {
  BRANCH_HEAT_TRANSLATED,
  branchHeat,
  branchHeatSet,
  leakBranchHeat,
  setBranchHeat,
} from './branch-heat';
import { HEAT_LEAK_DIVISOR, JitHart, SETTLE_IDLE_MS, type JitOptions } from './jit-hart';
import { HS_IN_WFI } from '../layout/hart-state';
import { HART_STATE_BASE, HART_STRIDE } from '../layout/wasm-memory';

describe('leakBranchHeat', () => {
  it('takes the same amount off every count, down to 0, and leaves translated starts marked', () => {
    const words = new Int32Array(createGuestMemory(1 << 20).buffer);
    const pcs = [0, 2, 0x40, 0x1002].map((o) => GUEST_RAM_WASM_BASE + o);
    const counts = [25, 7, 10, BRANCH_HEAT_TRANSLATED];
    pcs.forEach((pc, i) => setBranchHeat(words, pc, counts[i]!));
    expect(new Set(pcs.map((pc) => branchHeatSet(pc))).size).toBe(4); // four sets, no sharing
    expect(leakBranchHeat(words, 10)).toBe(3);
    // Tags stay: each target still finds its own counter.
    expect(pcs.map((pc) => branchHeat(words, pc))).toEqual([15, 0, 0, BRANCH_HEAT_TRANSLATED]);
    expect(leakBranchHeat(words, 10)).toBe(1);
    expect(pcs.map((pc) => branchHeat(words, pc))).toEqual([5, 0, 0, BRANCH_HEAT_TRANSLATED]);
  });
});

// `turns` turns of a loop through 100 small blocks (an add and a jump over a hole): the
// interpreter's time is spread evenly over 101 targets, each credited 2 instructions a turn.
const BLOCKS = 100;
function spreadLoop(turns: number): number[] {
  const blocks = Array.from({ length: BLOCKS }, () => [
    A.addi(A.X.a1, A.X.a1, 1),
    A.jal(0, 8),
    A.SPIN, // never run
  ]).flat();
  return [
    A.addi(A.X.a0, 0, turns), // at most 2 047
    A.addi(A.X.a1, 0, 0),
    ...blocks,
    A.addi(A.X.a0, A.X.a0, -1),
    A.bne(A.X.a0, 0, -4 * (3 * BLOCKS + 1)),
    A.jal(0, 0),
  ];
}

/** Runs `spreadLoop(2000)` in mixed mode at threshold 400 (a leak of 200 instructions), in slices
 * shorter than the leak period as the vCPU workers' are. */
async function runSpreadLoop(heatLeakPeriod: number, settle: JitOptions = {}) {
  const m = await createTestMachine();
  m.code(RAM_BASE, spreadLoop(2000));
  const jit = new JitHart(m.cpus[0]!, m.memory, 0, { threshold: 400, heatLeakPeriod, ...settle });
  const end = RAM_BASE + 4n * BigInt(2 + 3 * BLOCKS + 2);
  const slice = Math.min(heatLeakPeriod || 1000, 1000);
  for (let i = 0; i < 10_000 && m.harts[0]!.pc !== end; i++) jit.run(slice);
  expect(m.harts[0]!.pc).toBe(end);
  expect(m.harts[0]!.x(A.X.a1)).toBe(2000n * BigInt(BLOCKS));
  return jit.stats;
}

const TURN = 2 * BLOCKS + 2;

describe('mixed mode with leaking heat', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('leaks half the threshold per period (the figures below assume it)', () => {
    expect(400 / HEAT_LEAK_DIVISOR).toBe(200);
  });

  it('never translates targets whose share of the interpreted instructions is below the leak', async () => {
    // A leak of 200 per 1 000 interpreted instructions: each target gains ≈ 10.
    const stats = await runSpreadLoop(1000);
    expect(stats.heatLeaks).toBeGreaterThan(300);
    // Every turn interpreted; only the park loop (a jump to itself) may get hot in the last slice.
    expect(stats.interpretedSteps).toBeGreaterThanOrEqual(2000 * TURN);
    expect(stats.regionsCompiled).toBeLessThanOrEqual(1);
  });

  it('translates the same loop without the leak, once a target holds the threshold', async () => {
    const stats = await runSpreadLoop(0);
    expect(stats.heatLeaks).toBe(0);
    expect(stats.regionsCompiled).toBeGreaterThanOrEqual(1);
    // 200 turns credit 400 to each target: all are hot at once, and translated together.
    expect(stats.interpretedSteps).toBeLessThan(250 * TURN);
    expect(stats.translatedInstructions).toBeGreaterThan(1700 * TURN);
  });

  it('translates targets whose share is above the leak, later', async () => {
    // A leak of 200 per 30 000 interpreted instructions: each target gains ≈ 300, keeps ≈ 100.
    const stats = await runSpreadLoop(30_000);
    expect(stats.heatLeaks).toBeGreaterThanOrEqual(2);
    expect(stats.regionsCompiled).toBeGreaterThanOrEqual(1);
    // ≈ 300 turns instead of 200.
    expect(stats.interpretedSteps).toBeLessThan(500 * TURN);
    expect(stats.translatedInstructions).toBeGreaterThan(1500 * TURN);
  });

  it('keeps the threshold until the hart settles, then translates at the settled one', async () => {
    // Threshold 400 (a leak of 200 per 1 000: never hot, above) for 1 000 turns, then 10 (a
    // leak of 5 against a gain of ≈ 10 per 1 000): translated within a few periods.
    const settleAfter = 1000 * TURN;
    const stats = await runSpreadLoop(1000, { settledThreshold: 10, settleAfter });
    expect(stats.heatThreshold).toBe(10);
    expect(stats.interpretedSteps).toBeGreaterThanOrEqual(settleAfter);
    expect(stats.interpretedSteps).toBeLessThan(settleAfter + 100 * TURN);
    expect(stats.regionsCompiled).toBeGreaterThanOrEqual(1);
    expect(stats.translatedInstructions).toBeGreaterThan(850 * TURN);
  });

  it('never settles without a settled threshold', async () => {
    const stats = await runSpreadLoop(1000, { settleAfter: 1000 * TURN });
    expect(stats.heatThreshold).toBe(400);
    expect(stats.regionsCompiled).toBeLessThanOrEqual(1);
  });

  it('settles once the whole machine is idle: a long WFI sleep with every other hart in WFI', async () => {
    const m = await createTestMachine({ harts: 2 });
    m.code(RAM_BASE, [A.jal(0, 0)]);
    const jit = new JitHart(m.cpus[0]!, m.memory, 0, {
      threshold: 400,
      settledThreshold: 100,
      settleAfter: 1e12,
    });
    const otherInWfi = new Int32Array(
      m.memory.buffer,
      HART_STATE_BASE + HART_STRIDE + HS_IN_WFI,
      1,
    );
    const thresholdAfter = (sleptMs: number) => {
      jit.noteIdle(sleptMs);
      jit.run(100); // settling is checked at the next slice
      return jit.stats.heatThreshold;
    };
    expect(thresholdAfter(SETTLE_IDLE_MS + 50)).toBe(400); // hart 1 is running
    otherInWfi[0] = 1;
    expect(thresholdAfter(SETTLE_IDLE_MS - 1)).toBe(400); // a short sleep
    jit.noteIdle(SETTLE_IDLE_MS); // the whole machine was idle: that holds until the next slice,
    otherInWfi[0] = 0; // even if hart 1 wakes and hart 0 sleeps again before it
    expect(thresholdAfter(SETTLE_IDLE_MS)).toBe(100);
  });
});
