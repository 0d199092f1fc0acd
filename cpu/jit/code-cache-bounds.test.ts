// The code cache is bounded (code-cache.ts): reaching its region count or the WASM compiled since
// the last flush drops every translation, and the guest goes on exactly as the interpreter runs
// it, translating again what stays hot.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  integerState,
  type TestMachine,
} from '../test-support/machine.node';
import { JitHart, type JitOptions } from './jit-hart';

const { a0, s0, ra } = A.X;
const FUNCTIONS = 6;
const TURNS = 200;
/** `li s0`, then per turn a call, an add and a return per function and the loop's two, then one
 * turn of the final self-loop. */
const INSTRUCTIONS = 1 + TURNS * (FUNCTIONS * 3 + 2) + 1;

/** main calls six functions, each in a page of its own (adds k to a0), 200 times over. */
async function program(): Promise<TestMachine> {
  const m = await createTestMachine();
  const calls = Array.from({ length: FUNCTIONS }, (_, k) => {
    const at = 4 * (1 + k); // the k-th call's offset in main (after `li s0`)
    return A.jal(ra, 0x1000 * (k + 1) - at);
  });
  m.code(RAM_BASE, [
    A.addi(s0, 0, TURNS),
    ...calls,
    A.addi(s0, s0, -1),
    A.bne(s0, 0, -4 * (FUNCTIONS + 1)),
    A.SPIN,
  ]);
  for (let k = 1; k <= FUNCTIONS; k++) {
    m.code(RAM_BASE + 0x1000n * BigInt(k), [A.addi(a0, a0, k), A.jalr(0, ra, 0)]);
  }
  return m;
}

function runJit(m: TestMachine, options: JitOptions): JitHart {
  const jit = new JitHart(m.cpus[0]!, m.memory, 0, options);
  while (m.harts[0]!.instret < BigInt(INSTRUCTIONS)) {
    jit.run(INSTRUCTIONS - Number(m.harts[0]!.instret));
  }
  return jit;
}

describe('code cache bounds', () => {
  beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

  it('flushes when the region count reaches its bound, and the guest runs on unchanged', async () => {
    const reference = await program();
    reference.run(INSTRUCTIONS);
    expect(reference.harts[0]!.x(a0)).toBe(BigInt((TURNS * FUNCTIONS * (FUNCTIONS + 1)) / 2));

    const unbounded = runJit(await program(), {});
    expect(unbounded.stats.flushes).toBe(0);

    const m = await program();
    const jit = runJit(m, { maxRegions: 3 });
    expect(integerState(m)).toEqual(integerState(reference));
    // Seven pages of code, three regions at most: the cache fills again and again.
    expect(jit.stats.flushes).toBeGreaterThan(10);
    expect(jit.stats.cacheSize).toBeLessThanOrEqual(3 * 8); // regions of a few blocks each
    expect(jit.stats.translatedInstructions).toBeGreaterThan(INSTRUCTIONS / 2);
  });

  it('flushes when the WASM compiled since the last flush reaches its bound', async () => {
    const reference = await program();
    reference.run(INSTRUCTIONS);
    const m = await program();
    const jit = runJit(m, { maxCompiledBytes: 2048 });
    expect(integerState(m)).toEqual(integerState(reference));
    expect(jit.stats.flushes).toBeGreaterThan(0);
    expect(jit.stats.wasmBytes / (jit.stats.flushes + 1)).toBeLessThan(2048 + 8 * 2048);
  });
});
