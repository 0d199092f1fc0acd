import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import { EXIT_BUDGET } from '../layout/exit-reasons';
import {
  createHartRunner,
  DEFAULT_JIT_THRESHOLD,
  SETTLE_AFTER,
  SETTLED_JIT_THRESHOLD,
} from './hart-runner';

// a0 counts down from 200 in a two-instruction loop, then the hart parks in a self-loop.
const PROGRAM = [
  A.addi(A.X.a0, 0, 200),
  A.addi(A.X.a0, A.X.a0, -1),
  A.bne(A.X.a0, 0, -4),
  A.jal(0, 0),
];

describe('createHartRunner', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('is the plain interpreter when off (the default)', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, PROGRAM);
    const runner = createHartRunner(m.cpus[0]!, m.memory, 0);
    expect(runner.run(1000)).toBe(EXIT_BUDGET);
    expect(runner.stats).toBeUndefined();
    expect(m.harts[0]!.instret).toBe(1000n);
    expect(m.harts[0]!.x(A.X.a0)).toBe(0n);
  });

  it('translates only code the interpreter ran `threshold` instructions from in mixed mode', async () => {
    // The same loop 2 000 000 times: the interpreter credits each turn (2 instructions) to the
    // loop head; once it holds five it stops before it, and the loop's region is translated.
    const m = await createTestMachine();
    m.code(RAM_BASE, [
      A.lui(A.X.a0, 2_000_000 >> 12),
      A.addi(A.X.a0, A.X.a0, 2_000_000 & 0xfff),
      A.addi(A.X.a0, A.X.a0, -1),
      A.bne(A.X.a0, 0, -4),
      A.jal(0, 0),
    ]);
    const runner = createHartRunner(m.cpus[0]!, m.memory, 0, { mode: 'mixed', threshold: 5 });
    runner.run(5_000_000);
    expect(m.harts[0]!.x(A.X.a0)).toBe(0n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 16n);
    const stats = runner.stats!;
    // The entry block runs once (never hot); only the loop's region gets translated.
    expect(stats.regionsCompiled).toBeGreaterThanOrEqual(1);
    expect(stats.regionsCompiled).toBeLessThanOrEqual(2);
    // The entry (2 instructions) and four turns (2 each; the first is the entry's run) before
    // the head is hot, two more while it waits for its batch (counting again from half the
    // threshold), give or take the interpreter steps of a fetch-TLB miss.
    expect(stats.interpretedSteps).toBeGreaterThanOrEqual(14);
    expect(stats.interpretedSteps).toBeLessThan(20);
    expect(stats.translatedInstructions).toBeGreaterThan(3_900_000);
  });

  it('finds a hot loop longer than an interpreter batch in mixed mode', async () => {
    // 16 384 turns of a 300-instruction body (4.9 M instructions), longer than a batch: the
    // interpreter credits the head at its backward branch wherever a batch started, so after
    // a turn or two the loop is translated.
    const body = Array.from({ length: 300 }, () => A.addi(A.X.a1, A.X.a1, 1));
    const m = await createTestMachine();
    m.code(RAM_BASE, [
      A.lui(A.X.a0, 4),
      A.addi(A.X.a0, A.X.a0, 0),
      ...body,
      A.addi(A.X.a0, A.X.a0, -1),
      A.bne(A.X.a0, 0, -4 * 301),
      A.jal(0, 0),
    ]);
    const runner = createHartRunner(m.cpus[0]!, m.memory, 0, { mode: 'mixed', threshold: 5 });
    const end = RAM_BASE + 4n * BigInt(2 + 300 + 2);
    for (let i = 0; i < 100 && m.harts[0]!.pc !== end; i++) runner.run(1_000_000);
    expect(m.harts[0]!.x(A.X.a1)).toBe(16_384n * 300n);
    const stats = runner.stats!;
    expect(stats.translatedInstructions).toBeGreaterThan(4_000_000);
    // Three turns (counting visits, five turns and three while its batch waited).
    expect(stats.interpretedSteps).toBeLessThan(4 * 302);
  });

  it('translates every block before it runs in always mode', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, PROGRAM);
    const runner = createHartRunner(m.cpus[0]!, m.memory, 0, { mode: 'always' });
    runner.run(1000);
    expect(m.harts[0]!.x(A.X.a0)).toBe(0n);
    expect(runner.stats!.interpretedSteps).toBe(1); // only the very first fetch (cold fetch TLB)
    runner.flush();
    expect(runner.stats!.cacheSize).toBe(0);
  });

  it('leaves PAUSE to the interpreter, so a spin-wait yields as often in every mode', async () => {
    // PAUSE, a0++, jump back: 6 400 turns, one yield per 64 PAUSEs (cpu/assembly/pause.ts).
    for (const mode of ['off', 'mixed', 'always'] as const) {
      let yields = 0;
      const m = await createTestMachine({ hooks: { pauseYield: () => yields++ } });
      m.code(RAM_BASE, [A.PAUSE, A.addi(A.X.a0, A.X.a0, 1), A.jal(0, -8)]);
      const runner = createHartRunner(m.cpus[0]!, m.memory, 0, { mode, threshold: 5 });
      while (m.harts[0]!.instret < 3n * 6400n) runner.run(Number(3n * 6400n - m.harts[0]!.instret));
      expect(m.harts[0]!.x(A.X.a0), mode).toBe(6400n);
      expect(yields, mode).toBe(100);
      if (mode !== 'off') expect(runner.stats!.translatedInstructions, mode).toBeGreaterThan(0);
    }
  });

  it('settles mixed mode at the default threshold after SETTLE_AFTER instructions, not a chosen one', async () => {
    // One long translated loop runs past SETTLE_AFTER; the hart then counts at the settled threshold.
    const turns = SETTLE_AFTER / 2 + 1_000_000;
    const loop = [
      A.lui(A.X.a0, (turns >> 12) + 1),
      A.addi(A.X.a0, A.X.a0, -1),
      A.bne(A.X.a0, 0, -4),
      A.jal(0, 0),
    ];
    const heatThresholds = async (threshold?: number) => {
      const m = await createTestMachine();
      m.code(RAM_BASE, loop);
      const runner = createHartRunner(m.cpus[0]!, m.memory, 0, {
        mode: 'mixed',
        ...(threshold !== undefined && { threshold }),
      });
      const before = runner.stats!.heatThreshold;
      for (let i = 0; i < 2000 && m.harts[0]!.pc !== RAM_BASE + 12n; i++) runner.run(1 << 20);
      expect(m.harts[0]!.pc).toBe(RAM_BASE + 12n);
      runner.run(1000); // the slice after the loop: settling is checked between slices
      return [before, runner.stats!.heatThreshold];
    };
    expect(await heatThresholds()).toEqual([DEFAULT_JIT_THRESHOLD, SETTLED_JIT_THRESHOLD]);
    expect(await heatThresholds(DEFAULT_JIT_THRESHOLD)).toEqual([
      DEFAULT_JIT_THRESHOLD,
      DEFAULT_JIT_THRESHOLD,
    ]);
  });
});
