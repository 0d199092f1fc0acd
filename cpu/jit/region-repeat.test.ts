// Mixed mode finds hot code a target at a time. When an inner loop is translated first, the
// region later formed at the outer loop's head repeats the inner loop's blocks, so the whole nest
// runs in one region. Always mode translates every block before it runs, and its regions stop at
// blocks translated before (repeating there would copy a page's code into each of its regions).
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import { GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import { JitHart } from './jit-hart';

const { a0, a1, a2 } = A.X;
const OUTER_TURNS = 200;
const INNER_TURNS = 50;

/** a0 outer turns of a2 inner turns, each adding 1 to a1. */
const NEST = [
  A.addi(a0, 0, OUTER_TURNS),
  A.addi(a2, 0, INNER_TURNS), // outer:
  A.addi(a1, a1, 1), // inner:
  A.addi(a2, a2, -1),
  A.bne(a2, 0, -8), // → inner
  A.addi(a0, a0, -1),
  A.bne(a0, 0, -20), // → outer
  A.SPIN,
];
const OUTER = RAM_BASE + 4n;
const INNER = RAM_BASE + 8n;
const END = RAM_BASE + 28n;
const wasm = (pc: bigint) => GUEST_RAM_WASM_BASE + Number(pc - RAM_BASE);

/** The nest with the inner loop translated first, then the outer head; blocks each added. */
async function translateInnerThenOuter(threshold: number) {
  const m = await createTestMachine();
  m.code(RAM_BASE, NEST);
  const jit = new JitHart(m.cpus[0]!, m.memory, 0, { threshold });
  jit.cache.translate([wasm(INNER)]);
  const inner = jit.stats.blocksCompiled;
  jit.cache.translate([wasm(OUTER)]);
  const outer = jit.stats.blocksCompiled - inner;
  return { m, jit, inner, outer };
}

describe('regions formed after others in their page', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('repeat the blocks translated before in mixed mode: the loop nest is one region', async () => {
    const { m, jit, inner, outer } = await translateInnerThenOuter(1000);
    // Inner region: the loop, the outer loop's tail and the park loop after it (the outer head,
    // reached by a taken branch, is not warm yet). The outer one: its head, and the other three
    // again.
    expect(inner).toBe(3);
    expect(outer).toBe(4);
    m.harts[0]!.pc = OUTER;
    m.harts[0]!.setX(a0, BigInt(OUTER_TURNS));
    m.harts[0]!.setX(a2, 0n);
    while (m.harts[0]!.pc !== END) jit.run(100_000);
    expect(m.harts[0]!.x(a1)).toBe(BigInt(OUTER_TURNS * INNER_TURNS));
    expect(jit.stats.interpretedSteps).toBeLessThan(10); // the first fetches (TLB misses)
  });

  it('translate each block once in always mode', async () => {
    // Every block is warm there: the inner region already holds all four, the outer head too.
    const { inner, outer } = await translateInnerThenOuter(0);
    expect(inner).toBe(4);
    expect(outer).toBe(0);
  });
});
