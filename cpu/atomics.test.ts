import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from './test-support/machine.node';
import * as A from './test-support/asm';
import { X } from './test-support/asm';
import * as H from './layout/hart-state';

const LR = 2,
  SC = 3,
  ADD = 0,
  SWAP = 1,
  MAX = 20,
  MINU = 24;
const DATA = RAM_BASE + 0x8000n;
const HANDLER = RAM_BASE + 0x800n;

/** Two harts, each its own CPU instance on the shared memory, with code at the given offsets. */
async function twoHarts(code0: number[], code1: number[]): Promise<TestMachine> {
  const m = await createTestMachine({ harts: 2 });
  m.code(RAM_BASE, [...code0, A.SPIN]);
  m.code(RAM_BASE + 0x400n, [...code1, A.SPIN]);
  m.cpus[1]!.hart_reset(1, RAM_BASE + 0x400n, 1n, 0n, 3);
  for (const hart of m.harts) {
    hart.setX(X.s0, DATA);
    hart.setCsr(H.HS_MTVEC, HANDLER);
  }
  m.code(HANDLER, [A.SPIN]);
  return m;
}

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('LR/SC and AMOs across CPU instances', () => {
  it('SC succeeds when nobody touched the reserved word', async () => {
    const m = await twoHarts(
      [A.amo(LR, true, X.a0, X.s0, 0), A.addi(X.a0, X.a0, 1), A.amo(SC, true, X.a1, X.s0, X.a0)],
      [],
    );
    m.writeU64(DATA, 41n);
    m.run(4, 0);
    expect(m.harts[0]!.x(X.a1)).toBe(0n);
    expect(m.readU64(DATA)).toBe(42n);
  });

  it("another hart's store between LR and SC makes the SC fail", async () => {
    const m = await twoHarts(
      [A.amo(LR, true, X.a0, X.s0, 0), A.addi(X.a0, X.a0, 1), A.amo(SC, true, X.a1, X.s0, X.a0)],
      [A.addi(X.t0, X.zero, 7), A.sd(X.s0, X.t0, 0)],
    );
    m.writeU64(DATA, 41n);
    m.run(2, 0); // lr + addi
    m.run(2, 1); // the other hart stores 7
    m.run(1, 0); // sc
    expect(m.harts[0]!.x(X.a1)).toBe(1n);
    expect(m.readU64(DATA)).toBe(7n);
  });

  it("another hart's successful SC breaks the reservation even when the value is unchanged", async () => {
    const lrsc = [A.amo(LR, false, X.a0, X.s0, 0), A.amo(SC, false, X.a1, X.s0, X.a0)];
    const m = await twoHarts(lrsc, lrsc);
    m.writeU64(DATA, 5n);
    m.run(1, 0); // hart 0: lr
    m.run(2, 1); // hart 1: lr + sc (writes the same value back)
    m.run(1, 0); // hart 0: sc must fail
    expect(m.harts[1]!.x(X.a1)).toBe(0n);
    expect(m.harts[0]!.x(X.a1)).toBe(1n);
  });

  it('interleaved amoadd loops on two instances lose no update', async () => {
    const loop = [
      A.addi(X.t0, X.zero, 1),
      A.addi(X.t1, X.zero, 500),
      A.amo(ADD, true, X.zero, X.s0, X.t0),
      A.addi(X.t1, X.t1, -1),
      A.bne(X.t1, X.zero, -8),
    ];
    const m = await twoHarts(loop, loop);
    for (let i = 0; i < 400; i++) {
      m.run(7, 0);
      m.run(5, 1);
    }
    expect(m.readU64(DATA)).toBe(1000n);
  });

  it('AMO results are the old value, sign-extended for .W', async () => {
    const m = await twoHarts(
      [
        A.amo(SWAP, false, X.a0, X.s0, X.a1),
        A.amo(MAX, true, X.a2, X.s1, X.a3),
        A.amo(MINU, true, X.a4, X.s1, X.a5),
      ],
      [],
    );
    const hart = m.harts[0]!;
    m.writeU64(DATA, 0x8000_0000n);
    hart.setX(X.a1, 3n);
    hart.setX(X.s1, DATA + 8n);
    m.writeU64(DATA + 8n, BigInt.asUintN(64, -5n));
    hart.setX(X.a3, 2n); // max(-5, 2) = 2
    hart.setX(X.a5, 1n); // minu(2, 1) = 1
    m.run(4, 0);
    expect(hart.x(X.a0)).toBe(0xffff_ffff_8000_0000n);
    expect(m.readU64(DATA)).toBe(3n);
    expect(hart.x(X.a2)).toBe(BigInt.asUintN(64, -5n));
    expect(hart.x(X.a4)).toBe(2n);
    expect(m.readU64(DATA + 8n)).toBe(1n);
  });

  it('misaligned LR and AMO raise address-misaligned exceptions', async () => {
    const lr = await twoHarts([A.amo(LR, true, X.a0, X.s1, 0)], []);
    lr.harts[0]!.setX(X.s1, DATA + 4n);
    lr.run(2, 0);
    expect(lr.harts[0]!.csr(H.HS_MCAUSE)).toBe(4n);
    const add = await twoHarts([A.amo(ADD, false, X.a0, X.s1, X.a1)], []);
    add.harts[0]!.setX(X.s1, DATA + 2n);
    add.run(2, 0);
    expect(add.harts[0]!.csr(H.HS_MCAUSE)).toBe(6n);
    expect(add.harts[0]!.csr(H.HS_MTVAL)).toBe(DATA + 2n);
  });
});
