// jit_interpret, the interpreter batch the JIT dispatcher runs for cold code (index.ts): a short
// batch runs exactly what it is asked; a long one ends at a block start — after the next taken
// control transfer (bounded), or where control enters another page whose code-bitmap bit is set
// (translated code may be there) — while run() ignores the bitmap. With a heat limit it credits
// the instructions run from each target of a taken branch or jump to that target
// (branch-heat.ts) and stops before a hot one.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import * as A from '../test-support/asm';
import { JIT_CODE_BITMAP, GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import { EXIT_BUDGET, EXIT_JIT_HOT, EXIT_STOP_REQUESTED } from '../layout/exit-reasons';
import {
  branchHeat,
  branchHeatSet,
  setBranchHeat,
  BRANCH_HEAT_TRANSLATED,
} from '../jit/branch-heat';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

/** The same value as JIT_BATCH_TAIL in index.ts: the most a batch runs on after n - 1 instructions. */
const TAIL = 64;

function interpret(m: TestMachine, n: number, heat = 0): number {
  return m.cpus[0]!.jit_interpret(0, n, heat);
}

/** The branch-heat count of guest address `pc` (RAM). */
function heatOf(m: TestMachine, pc: bigint): number {
  const wasmPc = GUEST_RAM_WASM_BASE + Number(pc - RAM_BASE);
  return branchHeat(new Int32Array(m.memory.buffer), wasmPc);
}

function setHeat(m: TestMachine, pc: bigint, count: number): void {
  const wasmPc = GUEST_RAM_WASM_BASE + Number(pc - RAM_BASE);
  setBranchHeat(new Int32Array(m.memory.buffer), wasmPc, count);
}

/** a1 = 100; loop: a0++, a1--, bne a1 → loop (3 instructions from RAM_BASE + 4). */
const LOOP = [
  A.addi(A.X.a1, 0, 100),
  A.addi(A.X.a0, A.X.a0, 1),
  A.addi(A.X.a1, A.X.a1, -1),
  A.bne(A.X.a1, 0, -8),
  A.SPIN,
];
const LOOP_HEAD = RAM_BASE + 4n;

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
    expect(m.harts[0]!.instret).toBe(121n); // 99, then on up to and including the jal
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

  it('credits the instructions run from each taken-branch target and stops before a hot one', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, LOOP);
    // The batch's first pc is counted too: its run is the setup and the first turn (4). Turns
    // two and three (3 instructions each) bring the head to 6, kept at the limit (5): the third
    // bne finds it hot and ends the batch.
    expect(interpret(m, 1000, 5)).toBe(EXIT_JIT_HOT);
    expect(m.harts[0]!.instret).toBe(1n + 3n * 3n);
    expect(m.harts[0]!.pc).toBe(LOOP_HEAD);
    expect(heatOf(m, RAM_BASE)).toBe(4);
    expect(heatOf(m, LOOP_HEAD)).toBe(5);
    // A batch starting at a hot pc runs nothing (a region's side exit lands on such code).
    expect(interpret(m, 1000, 5)).toBe(EXIT_JIT_HOT);
    expect(m.harts[0]!.instret).toBe(10n);
    // Without a limit nothing is counted or stopped.
    expect(interpret(m, 1000, 0)).toBe(EXIT_BUDGET);
    expect(m.harts[0]!.x(A.X.a1)).toBe(0n);
    expect(heatOf(m, LOOP_HEAD)).toBe(5);
  });

  it('credits a run that goes on into the batch tail (another chunk) to its target', async () => {
    // A long batch runs n - 1 instructions in one chunk, then its tail in another: through 600
    // straight instructions the tail runs all TAIL + 1, and the whole run is the jump target's.
    const m = await createTestMachine();
    m.code(RAM_BASE, [A.jal(0, 8), A.SPIN, ...straight(600), A.SPIN]);
    expect(interpret(m, 300, 100_000)).toBe(EXIT_BUDGET);
    expect(m.harts[0]!.instret).toBe(BigInt(299 + TAIL + 1));
    expect(heatOf(m, RAM_BASE)).toBe(1);
    expect(heatOf(m, RAM_BASE + 8n)).toBe(298 + TAIL + 1);
  });

  it('reads no clock when it stops before a hot target (the dispatcher polls on its own)', async () => {
    let clockReads = 0;
    const m = await createTestMachine({
      hooks: {
        timeNow: () => {
          clockReads++;
          return 0n;
        },
      },
    });
    m.code(RAM_BASE, LOOP);
    expect(interpret(m, 1000, 5)).toBe(EXIT_JIT_HOT);
    expect(clockReads).toBe(0);
  });

  it('stops at the first jump to a translated start (the largest count)', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, LOOP);
    setHeat(m, LOOP_HEAD, -1);
    expect(interpret(m, 1000, 5000)).toBe(EXIT_JIT_HOT);
    expect(m.harts[0]!.instret).toBe(4n);
    expect(m.harts[0]!.pc).toBe(LOOP_HEAD);
  });

  it('counts a target in another page at its fetch and stops there when hot', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    m.code(RAM_BASE + 0x2000n, [...straight(50), A.SPIN]);
    // Six instructions to the jump, then 14 in the other page.
    expect(interpret(m, 20, 100)).toBe(EXIT_BUDGET);
    expect(heatOf(m, RAM_BASE)).toBe(6);
    expect(heatOf(m, RAM_BASE + 0x2000n)).toBe(14);

    const n = await createTestMachine();
    n.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    n.code(RAM_BASE + 0x2000n, [...straight(50), A.SPIN]);
    setHeat(n, RAM_BASE + 0x2000n, 3);
    expect(interpret(n, 200, 3)).toBe(EXIT_JIT_HOT);
    expect(n.harts[0]!.instret).toBe(6n);
    expect(n.harts[0]!.pc).toBe(RAM_BASE + 0x2000n);
  });

  it('ignores the bitmap when counting heat (translated starts are marked hot instead)', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(5), A.jal(0, 0x2000 - 20)]);
    m.code(RAM_BASE + 0x2000n, [...straight(300), A.SPIN]);
    markPage(m, 2);
    expect(interpret(m, 100, 5000)).toBe(EXIT_BUDGET);
    expect(m.harts[0]!.instret).toBe(BigInt(99 + TAIL + 1));
  });

  it('returns at once, with the stop exit, while a control request is pending (as run() does)', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, [...straight(100), A.SPIN]);
    m.harts[0]!.requestStop();
    expect(interpret(m, 50)).toBe(EXIT_STOP_REQUESTED);
    expect(m.harts[0]!.instret).toBe(0n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE);
  });

  it('ends the batch after a WFI that a control request woke, not after n instructions', async () => {
    // An idle loop: WFI, jump back. The platform's WFI returns at once while a control request
    // waits (vcpu-runtime.ts); before, the batch went on looping through WFI until it was done.
    let m: TestMachine | undefined;
    m = await createTestMachine({ hooks: { wfi: () => m!.harts[0]!.requestStop() } });
    m.code(RAM_BASE, [A.WFI, A.jal(0, -4)]);
    expect(interpret(m, 400)).toBe(EXIT_STOP_REQUESTED);
    expect(m.harts[0]!.instret).toBe(1n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE + 4n);
  });

  describe('targets that share a counter set', () => {
    /** Guest addresses after `from` (4-byte aligned, within 1 MiB of RAM_BASE) whose branch-heat
     * set is `pc`'s, until `count` are found. */
    function sameSet(pc: bigint, count: number, from = RAM_BASE + 0x1000n): bigint[] {
      const wasm = (a: bigint) => GUEST_RAM_WASM_BASE + Number(a - RAM_BASE);
      const found: bigint[] = [];
      for (let a = from; found.length < count && a < RAM_BASE + 0x100000n; a += 4n) {
        if (a !== pc && branchHeatSet(wasm(a)) === branchHeatSet(wasm(pc))) found.push(a);
      }
      return found;
    }

    /** The LOOP placed so that its head is `head`, reached by a jump from RAM_BASE. */
    function loopAt(m: TestMachine, head: bigint): void {
      m.code(RAM_BASE, [A.jal(0, Number(head - 4n - RAM_BASE))]);
      m.code(head - 4n, LOOP);
    }

    it('counts a cold target in the other way: a translated start there does not make it hot', async () => {
      const m = await createTestMachine();
      const [head, translated] = sameSet(RAM_BASE + 0x3000n, 2);
      loopAt(m, head!);
      setHeat(m, translated!, BRANCH_HEAT_TRANSLATED);
      // As alone: the jump, the setup, three turns (the head's count reaches the limit in the
      // last two), then the head is hot.
      expect(interpret(m, 1000, 5)).toBe(EXIT_JIT_HOT);
      expect(m.harts[0]!.instret).toBe(2n + 3n * 3n);
      expect(m.harts[0]!.pc).toBe(head);
      expect(heatOf(m, head!)).toBe(5);
      expect(heatOf(m, translated!)).toBe(BRANCH_HEAT_TRANSLATED);
    });

    it('keeps both marks when both ways mark translated starts (the target is never hot)', async () => {
      const m = await createTestMachine();
      const [head, first, second] = sameSet(RAM_BASE + 0x3000n, 3);
      loopAt(m, head!);
      setHeat(m, first!, BRANCH_HEAT_TRANSLATED);
      setHeat(m, second!, BRANCH_HEAT_TRANSLATED);
      expect(interpret(m, 200, 5)).toBe(EXIT_BUDGET);
      expect(m.harts[0]!.x(A.X.a0)).toBeGreaterThan(50n);
      expect(heatOf(m, head!)).toBe(0);
      expect(heatOf(m, first!)).toBe(BRANCH_HEAT_TRANSLATED);
      expect(heatOf(m, second!)).toBe(BRANCH_HEAT_TRANSLATED);
    });

    it('gives a new target the way with the lower count', async () => {
      const m = await createTestMachine();
      const [head, warm, cool] = sameSet(RAM_BASE + 0x3000n, 3);
      loopAt(m, head!);
      setHeat(m, warm!, 40);
      setHeat(m, cool!, 2);
      expect(interpret(m, 1000, 5)).toBe(EXIT_JIT_HOT);
      expect(heatOf(m, head!)).toBe(5);
      expect(heatOf(m, warm!)).toBe(40);
      expect(heatOf(m, cool!)).toBe(0); // its counter was taken over
    });
  });
});
