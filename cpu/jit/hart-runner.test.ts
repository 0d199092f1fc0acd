import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import { EXIT_BUDGET } from '../layout/exit-reasons';
import { createHartRunner } from './hart-runner';

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

  it('translates only blocks entered more than `threshold` times in mixed mode', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, PROGRAM);
    const runner = createHartRunner(m.cpus[0]!, m.memory, 0, { mode: 'mixed', threshold: 5 });
    runner.run(1000);
    expect(m.harts[0]!.x(A.X.a0)).toBe(0n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 12n);
    const stats = runner.stats!;
    // The entry block runs once (never hot); the loop and the self-loop get translated.
    expect(stats.blocksCompiled).toBe(2);
    expect(stats.interpretedSteps).toBeGreaterThanOrEqual(1 + 5 * 2);
    expect(stats.translatedInstructions).toBeGreaterThan(300);
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
});
