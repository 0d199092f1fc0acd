// The decode cache (decode-cache.ts) is keyed by instruction bits: rewritten code must run its new
// bits, and programs with more distinct instructions than the cache holds must stay correct.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import * as A from '../test-support/asm';
import { X } from '../test-support/asm';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('decoded-instruction cache', () => {
  it('executes an instruction the program rewrote (store + fence.i) after it was cached', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [
      A.addi(X.a1, X.zero, 3),
      A.addi(X.a0, X.a0, 1), // +4: rewritten below to addi a0, a0, 100
      A.addi(X.a1, X.a1, -1),
      A.bne(X.a1, X.zero, -8),
      A.bne(X.a2, X.zero, 24), // second pass done → spin
      A.sw(X.t1, X.t0, 4),
      A.FENCE_I,
      A.addi(X.a2, X.zero, 1),
      A.addi(X.a1, X.zero, 2),
      A.jal(X.zero, -32), // back to +4
      A.SPIN,
    ]);
    const hart = m.harts[0]!;
    hart.setX(X.t0, BigInt(A.addi(X.a0, X.a0, 100)));
    hart.setX(X.t1, RAM_BASE);
    m.run(200);
    expect(hart.x(X.a0)).toBe(3n + 200n);
    expect(hart.pc).toBe(RAM_BASE + 40n);
  });

  it('runs code rewritten from outside the hart (another hart or a device) with its new bits', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [A.addi(X.a0, X.a0, 7), A.SPIN]);
    m.run(10);
    m.code(RAM_BASE, [A.addi(X.a0, X.a0, -3), A.SPIN]);
    m.harts[0]!.pc = RAM_BASE;
    m.run(10);
    expect(m.harts[0]!.x(X.a0)).toBe(4n);
  });

  it('stays correct with more distinct instructions than cache entries (evictions)', async () => {
    const m = await createTestMachine();
    const body: number[] = [];
    let expectA0 = 0n;
    let expectA3 = 0n;
    for (let k = 1; k < 2048; k++) {
      body.push(A.addi(X.a0, X.a0, k), A.addi(X.a3, X.a3, -k));
      expectA0 += BigInt(k);
      expectA3 -= BigInt(k);
    }
    // Two passes over 4094 distinct words: the second pass hits entries evicted by the first.
    const loopBack = -(body.length + 2) * 4; // from the jal back to body[0] (beyond a branch's reach)
    m.code(RAM_BASE, [
      A.addi(X.a1, X.zero, 2),
      ...body,
      A.addi(X.a1, X.a1, -1),
      A.beq(X.a1, X.zero, 8),
      A.jal(X.zero, loopBack),
      A.SPIN,
    ]);
    m.run(2 * (body.length + 3) + 10);
    expect(m.harts[0]!.x(X.a0)).toBe(2n * expectA0);
    expect(BigInt.asIntN(64, m.harts[0]!.x(X.a3))).toBe(2n * expectA3);
  });
});
