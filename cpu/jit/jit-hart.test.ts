// The dispatcher with translated blocks against the interpreter on generated programs, plus the
// code-invalidation cases: self-modifying code (JIT store path and FENCE.I) and another hart's
// store into code this hart has translated.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import { rng } from '../test-support/rng';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import { HS_PC, HS_X } from '../layout/hart-state';
import { HART_STATE_BASE, HART_STRIDE } from '../layout/wasm-memory';
import { JitHart } from './jit-hart';

const { a0, ra, t0, t1 } = A.X;
const SELF_LOOP = A.jal(0, 0);
const FENCE_I = 0x0000100f;

const INTERESTING = [
  0n,
  1n,
  -1n,
  2n ** 63n,
  2n ** 63n - 1n,
  2n ** 31n,
  -(2n ** 31n),
  0x7fffffffn,
  12345678901234n,
  -77n,
];

/** Random integer ops over x5..x15 (incl. division edge cases, W forms and shifts). */
function randomAluProgram(next: () => number, count: number): number[] {
  const reg = (): number => 5 + (next() % 11);
  const ops: (() => number)[] = [
    () => A.rType(0x33, next() % 8, 0, reg(), reg(), reg()),
    () => A.sub(reg(), reg(), reg()),
    () => A.sra(reg(), reg(), reg()),
    () => A.mulOp(next() % 8, reg(), reg(), reg()),
    () => A.mulOpW([0, 4, 5, 6, 7][next() % 5]!, reg(), reg(), reg()),
    () => A.rType(0x3b, [0, 1, 5][next() % 3]!, 0, reg(), reg(), reg()),
    () => A.sraw(reg(), reg(), reg()),
    () => A.iType(0x13, [0, 2, 3, 4, 6, 7][next() % 6]!, reg(), reg(), (next() % 4096) - 2048),
    () => A.iType(0x13, 1, reg(), reg(), next() % 64),
    () => A.iType(0x13, 5, reg(), reg(), next() % 64),
    () => A.srai(reg(), reg(), next() % 64),
    () => A.addiw(reg(), reg(), (next() % 4096) - 2048),
    () => A.iType(0x1b, 5, reg(), reg(), 0x400 | (next() % 32)),
    () => A.lui(reg(), next() & 0xfffff),
    () => A.auipc(reg(), next() & 0xfffff),
  ];
  return Array.from({ length: count }, () => ops[next() % ops.length]!());
}

function setRegisters(m: TestMachine, values: bigint[], hart = 0): void {
  const view = new DataView(m.memory.buffer);
  values.forEach((v, i) =>
    view.setBigUint64(
      HART_STATE_BASE + hart * HART_STRIDE + HS_X + 8 * (i + 5),
      BigInt.asUintN(64, v),
      true,
    ),
  );
}

function setPc(m: TestMachine, pc: bigint, hart = 0): void {
  new DataView(m.memory.buffer).setBigUint64(
    HART_STATE_BASE + hart * HART_STRIDE + HS_PC,
    pc,
    true,
  );
}

describe('JitHart', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('matches the interpreter register for register on random integer programs', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const next = rng(seed * 7919);
      const program = [...randomAluProgram(next, 150), SELF_LOOP];
      const initial = Array.from({ length: 11 }, () => INTERESTING[next() % INTERESTING.length]!);
      const results: bigint[][] = [];
      for (const engine of ['interpreter', 'jit'] as const) {
        const m = await createTestMachine();
        m.code(RAM_BASE, program);
        setRegisters(m, initial);
        if (engine === 'jit') {
          const jit = new JitHart(m.cpus[0]!, m.memory, 0);
          jit.run(400);
          expect(jit.stats.translatedInstructions).toBeGreaterThanOrEqual(150);
        } else {
          m.run(400);
        }
        expect(m.harts[0]!.pc).toBe(RAM_BASE + 150n * 4n);
        results.push(Array.from({ length: 32 }, (_, r) => m.harts[0]!.x(r)));
      }
      expect(results[1]).toEqual(results[0]);
    }
  });

  it('runs loads, stores and branches through the TLB fast path and falls back on misses', async () => {
    const m = await createTestMachine();
    // t0 = RAM_BASE + 0x1000; sum 10 words written then read back in a loop.
    setRegisters(m, [RAM_BASE + 0x1000n]);
    m.code(RAM_BASE, [
      A.addi(t1, 0, 10),
      A.sd(t0, t1, 0), // loop: store t1 at t0
      A.ld(A.X.a1, t0, 0),
      A.add(a0, a0, A.X.a1),
      A.addi(t0, t0, 8),
      A.addi(t1, t1, -1),
      A.bne(t1, 0, -20),
      SELF_LOOP,
    ]);
    const jit = new JitHart(m.cpus[0]!, m.memory, 0);
    jit.run(200);
    expect(m.harts[0]!.x(a0)).toBe(55n);
    expect(m.readU64(RAM_BASE + 0x1000n)).toBe(10n);
    expect(jit.stats.translatedInstructions).toBeGreaterThan(40);
    // The first store and load to the data page missed the TLB and were interpreted.
    expect(jit.stats.interpretedSteps).toBeGreaterThanOrEqual(2);
  });

  it('writes back every register a looping block changed when a later iteration exits early', async () => {
    // Sum 1024 doublewords across two pages: the loop block iterates inside WASM and leaves
    // at its first instruction when the load misses the TLB on the second page.
    const results: bigint[][] = [];
    for (const engine of ['interpreter', 'jit'] as const) {
      const m = await createTestMachine();
      for (let i = 0; i < 1024; i++)
        m.writeU64(RAM_BASE + 0x2000n + BigInt(i) * 8n, BigInt(i * 3 + 1));
      setRegisters(m, [RAM_BASE + 0x2000n]);
      m.code(RAM_BASE, [
        A.addi(t1, 0, 1024),
        A.ld(A.X.a1, t0, 0), // loop head
        A.add(a0, a0, A.X.a1),
        A.addi(t0, t0, 8),
        A.addi(t1, t1, -1),
        A.bne(t1, 0, -16),
        SELF_LOOP,
      ]);
      if (engine === 'jit') {
        // Exactly the instructions needed to reach the final self-loop: re-executed iterations
        // (a stale write-back restarting the loop) would leave the hart short of it.
        const jit = new JitHart(m.cpus[0]!, m.memory, 0);
        jit.run(1 + 5 * 1024);
        expect(jit.stats.translatedInstructions).toBeGreaterThan(5000);
      } else {
        m.run(1 + 5 * 1024);
      }
      expect(m.harts[0]!.pc).toBe(RAM_BASE + 24n);
      results.push([a0, A.X.a1, t0, t1].map((r) => m.harts[0]!.x(r)));
    }
    expect(results[0]![0]).toBe(BigInt((3 * 1023 * 1024) / 2 + 1024));
    expect(results[1]).toEqual(results[0]);
  });

  const patchProgram = (prefix: number[]): number[] => {
    const code = [
      A.jal(ra, 0x100),
      ...prefix,
      A.sw(t0, t1, 0x100),
      FENCE_I,
      A.jal(ra, 0x100 - 4 * (prefix.length + 3)),
      SELF_LOOP,
    ];
    return code;
  };

  it('sees a store into translated code through its own store path (self-modifying code)', async () => {
    for (const engine of ['interpreter', 'jit'] as const) {
      const m = await createTestMachine();
      // Warm the store TLB with a store to the code page, then patch f (no FENCE.I needed here).
      const code = [
        A.jal(ra, 0x100),
        A.sw(t0, 0, 0x200),
        A.sw(t0, t1, 0x100),
        A.jal(ra, 0x100 - 12),
        SELF_LOOP,
      ];
      m.code(RAM_BASE, code);
      m.code(RAM_BASE + 0x100n, [A.addi(a0, a0, 1), A.jalr(0, ra, 0)]);
      setRegisters(m, [RAM_BASE, BigInt(A.addi(a0, a0, 100))]);
      const jit = engine === 'jit' ? new JitHart(m.cpus[0]!, m.memory, 0) : undefined;
      if (jit) jit.run(100);
      else m.run(100);
      expect(m.harts[0]!.x(a0)).toBe(101n);
      if (jit) expect(jit.stats.invalidatedPages).toBeGreaterThanOrEqual(1);
    }
  });

  it('drops translations at FENCE.I after an interpreted store into code', async () => {
    const m = await createTestMachine();
    m.code(RAM_BASE, patchProgram([]));
    m.code(RAM_BASE + 0x100n, [A.addi(a0, a0, 1), A.jalr(0, ra, 0)]);
    setRegisters(m, [RAM_BASE, BigInt(A.addi(a0, a0, 100))]);
    const jit = new JitHart(m.cpus[0]!, m.memory, 0);
    jit.run(100);
    expect(m.harts[0]!.x(a0)).toBe(101n);
  });

  it('sees an interpreted store into translated code without FENCE.I when the CPU tracks stores', async (ctx) => {
    const m = await createTestMachine();
    const jit = new JitHart(m.cpus[0]!, m.memory, 0);
    if (!jit.storesTracked) {
      console.log('skipping: this rv64.wasm does not export jit_tracks_code_stores');
      ctx.skip();
    }
    // The patching store is the first store to the page (store-TLB miss): the interpreter does it.
    m.code(RAM_BASE, [A.jal(ra, 0x100), A.sw(t0, t1, 0x100), A.jal(ra, 0x100 - 8), SELF_LOOP]);
    m.code(RAM_BASE + 0x100n, [A.addi(a0, a0, 1), A.jalr(0, ra, 0)]);
    setRegisters(m, [RAM_BASE, BigInt(A.addi(a0, a0, 100))]);
    jit.run(100);
    expect(m.harts[0]!.x(a0)).toBe(101n);
    expect(jit.stats.invalidatedPages).toBeGreaterThanOrEqual(1);
    expect(jit.stats.flushes).toBe(0);
  });

  it("drops a page another hart's translated store wrote into", async () => {
    const m = await createTestMachine({ harts: 2 });
    m.code(RAM_BASE + 0x100n, [A.addi(a0, a0, 1), A.jalr(0, ra, 0)]);
    // Hart 1 calls f from 0x400 and parks; hart 0 warms its store TLB, then patches f.
    m.code(RAM_BASE + 0x400n, [A.jal(ra, 0x100 - 0x400), SELF_LOOP]);
    m.code(RAM_BASE + 0x800n, [
      A.sw(t0, 0, 0x200),
      A.addi(0, 0, 0),
      A.sw(t0, t1, 0x100),
      SELF_LOOP,
    ]);
    const hart0 = new JitHart(m.cpus[0]!, m.memory, 0);
    const hart1 = new JitHart(m.cpus[1]!, m.memory, 1);
    setPc(m, RAM_BASE + 0x400n, 1);
    hart1.run(20);
    expect(m.harts[1]!.x(a0)).toBe(2n); // hart_reset put the hart number (1) in a0
    setRegisters(m, [RAM_BASE, BigInt(A.addi(a0, a0, 100))], 0);
    setPc(m, RAM_BASE + 0x800n, 0);
    hart0.run(20);
    expect(m.readU32(RAM_BASE + 0x100n)).toBe(A.addi(a0, a0, 100));
    setPc(m, RAM_BASE + 0x400n, 1);
    hart1.run(20);
    expect(m.harts[1]!.x(a0)).toBe(102n);
    expect(hart1.stats.invalidatedPages).toBe(1);
  });
});
