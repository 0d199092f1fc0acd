// jit_interpret, the interpreter batch the JIT dispatcher runs for cold code (index.ts): a short
// batch runs exactly what it is asked; a long one ends at a block start — after the next taken
// control transfer (bounded), or where control enters another page whose code-bitmap bit is set
// (translated code may be there) — while run() ignores the bitmap.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import * as A from '../test-support/asm';
import { JIT_CODE_BITMAP } from '../layout/wasm-memory';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

/** The same value as JIT_BATCH_TAIL in index.ts: single steps after n - 1 instructions. */
const TAIL = 64;

type Interpret = (hart: number, n: number) => number;

function interpret(m: TestMachine, n: number): void {
  (m.cpus[0] as unknown as { jit_interpret: Interpret }).jit_interpret(0, n);
}

const straight = (count: number) => Array.from({ length: count }, () => A.addi(A.X.a0, A.X.a0, 1));

function markPage(m: TestMachine, page: number): void {
  const words = new Int32Array(m.memory.buffer);
  words[(JIT_CODE_BITMAP >> 2) + (page >>> 5)]! |= 1 << (page & 31);
}

describe('jit_interpret batches', () => {
  it('runs exactly n instructions in a short batch', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(100), A.SPIN]);
    interpret(m, 40);
    expect(m.harts[0]!.instret).toBe(40n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 160n);
  });

  it('ends a long batch right after the next taken jump', async () => {
    const m = await createTestMachine();
    // 120 adds, a jump over one instruction, then more adds.
    m.code(RAM_BASE, [...straight(120), A.jal(0, 8), A.addi(A.X.a1, 0, 1), ...straight(100)]);
    interpret(m, 100);
    expect(m.harts[0]!.instret).toBe(121n); // 99, then single steps up to and including the jal
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 122n * 4n);
    expect(m.harts[0]!.x(A.X.a0)).toBe(120n);
  });

  it('goes on through a branch not taken and bounds the tail', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(110), A.bne(A.X.a1, 0, 8), ...straight(200), A.SPIN]);
    interpret(m, 100);
    expect(m.harts[0]!.instret).toBe(BigInt(99 + TAIL + 1));
  });

  it('stops where control enters a page holding known code, not before running anything', async () => {
    const m = await createTestMachine();
    // Page 0: five adds, then a jump to page 2; page 2: adds.
    m.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    m.code(RAM_BASE + 0x2000n, [...straight(50), A.SPIN]);
    markPage(m, 2);
    interpret(m, 200);
    expect(m.harts[0]!.instret).toBe(6n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 0x2000n);
    // A batch that starts in the marked page runs in it.
    interpret(m, 200);
    expect(m.harts[0]!.instret).toBe(6n + 50n + BigInt(200 - 50));
  });

  it('runs into an unmarked page, and run() ignores the bitmap', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    m.code(RAM_BASE + 0x2000n, [...straight(300), A.SPIN]);
    interpret(m, 100);
    expect(m.harts[0]!.instret).toBe(BigInt(99 + TAIL + 1));

    const n = await createTestMachine();
    n.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    n.code(RAM_BASE + 0x2000n, [...straight(300), A.SPIN]);
    markPage(n, 2);
    n.run(100);
    expect(n.harts[0]!.instret).toBe(100n);
  });
});
