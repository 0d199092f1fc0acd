import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from './test-support/machine.node';
import * as A from './test-support/asm';
import { X } from './test-support/asm';
import type { HartState } from './loader';

const MASK64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);

/** Run `words` from RAM_BASE in M-mode with registers preset; returns the hart. */
async function exec(words: number[], regs: Record<number, bigint> = {}): Promise<HartState> {
  const m = await createTestMachine();
  m.code(RAM_BASE, [...words, A.SPIN]);
  for (const [reg, value] of Object.entries(regs)) m.harts[0]!.setX(Number(reg), value);
  m.run(words.length + 1);
  return m.harts[0]!;
}

// Builds rv64.wasm first if a CPU or FPU source changed (one build shared by all test files).
beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

describe('RV64I', () => {
  it('loads 64-bit constants and wraps add/sub at 64 bits', async () => {
    const hart = await exec([
      ...A.li(X.a0, 0x7fff_ffff_ffff_ffffn),
      A.addi(X.a1, X.a0, 1),
      ...A.li(X.a2, 0x1234_5678_9abc_def0n),
      A.sub(X.a3, X.zero, X.a2),
    ]);
    expect(hart.x(X.a0)).toBe(0x7fff_ffff_ffff_ffffn);
    expect(hart.x(X.a1)).toBe(0x8000_0000_0000_0000n);
    expect(hart.x(X.a2)).toBe(0x1234_5678_9abc_def0n);
    expect(hart.x(X.a3)).toBe(u64(-0x1234_5678_9abc_def0n));
  });

  it('shifts, compares and sign-extends 32-bit results', async () => {
    const hart = await exec(
      [
        A.sra(X.a2, X.a0, X.a1),
        A.srai(X.a3, X.a0, 63),
        A.sltu(X.a4, X.a1, X.a0),
        A.addw(X.a5, X.t0, X.t0),
        A.sraw(X.a6, X.t0, X.a1),
        A.addiw(X.a7, X.t1, 1),
      ],
      { [X.a0]: 0x8000_0000_0000_0010n, [X.a1]: 4n, [X.t0]: 0x4000_0000n, [X.t1]: 0x7fff_ffffn },
    );
    expect(hart.x(X.a2)).toBe(0xf800_0000_0000_0001n);
    expect(hart.x(X.a3)).toBe(MASK64);
    expect(hart.x(X.a4)).toBe(1n);
    expect(hart.x(X.a5)).toBe(0xffff_ffff_8000_0000n);
    expect(hart.x(X.a6)).toBe(0x0400_0000n);
    expect(hart.x(X.a7)).toBe(0xffff_ffff_8000_0000n);
  });

  it('keeps x0 zero and links jal/jalr to the next instruction', async () => {
    const hart = await exec([
      A.addi(X.zero, X.zero, 5),
      A.jal(X.ra, 8), // skip one instruction
      A.addi(X.a0, X.zero, 1), // skipped
      A.auipc(X.t0, 0),
      A.jalr(X.t1, X.t0, 12), // to t0 + 12 (skips the next one)
      A.addi(X.a1, X.zero, 1), // skipped
      A.add(X.a2, X.zero, X.zero),
    ]);
    expect(hart.x(X.zero)).toBe(0n);
    expect(hart.x(X.ra)).toBe(RAM_BASE + 8n);
    expect(hart.x(X.a0)).toBe(0n);
    expect(hart.x(X.t0)).toBe(RAM_BASE + 12n);
    expect(hart.x(X.t1)).toBe(RAM_BASE + 20n);
    expect(hart.x(X.a1)).toBe(0n);
  });

  it('takes branches by signed and unsigned comparison', async () => {
    const hart = await exec(
      [
        A.blt(X.a0, X.a1, 8), // -1 < 1 signed: taken
        A.addi(X.a2, X.zero, 1),
        A.bgeu(X.a1, X.a0, 8), // 1 >= 2^64-1 unsigned: not taken
        A.addi(X.a3, X.zero, 1),
        A.beq(X.zero, X.zero, 8),
        A.addi(X.a4, X.zero, 1),
      ],
      { [X.a0]: MASK64, [X.a1]: 1n },
    );
    expect([hart.x(X.a2), hart.x(X.a3), hart.x(X.a4)]).toEqual([0n, 1n, 0n]);
  });

  it('sign- and zero-extends loads, and handles misaligned accesses across a page', async () => {
    const data = RAM_BASE + 0x1ffcn; // crosses the 4 KiB boundary at +0x2000
    const hart = await exec(
      [
        A.sd(X.s0, X.a0, 0),
        A.load(0, X.a1, X.s0, 7), // lb of 0x80
        A.load(4, X.a2, X.s0, 7), // lbu
        A.load(2, X.a3, X.s0, 4), // lw of 0x80706050... upper word
        A.load(6, X.a4, X.s0, 4), // lwu
        A.ld(X.a5, X.s0, 0),
        A.load(1, X.a6, X.s0, 3), // lh across bytes 3..4
      ],
      { [X.s0]: data, [X.a0]: 0x8070_6050_4030_2010n },
    );
    expect(hart.x(X.a1)).toBe(u64(-128n));
    expect(hart.x(X.a2)).toBe(0x80n);
    expect(hart.x(X.a3)).toBe(0xffff_ffff_8070_6050n);
    expect(hart.x(X.a4)).toBe(0x8070_6050n);
    expect(hart.x(X.a5)).toBe(0x8070_6050_4030_2010n);
    expect(hart.x(X.a6)).toBe(0x5040n);
  });
});

describe('RV64M', () => {
  const cases: [string, number, bigint, bigint, (a: bigint, b: bigint) => bigint][] = [
    ['mul', 0, 0x1234_5678_9abc_def0n, 0xfedc_ba98_7654_3210n, (a, b) => u64(a * b)],
    ['mulh', 1, u64(-3n), 0x7fff_ffff_ffff_ffffn, (a, b) => u64((s64(a) * s64(b)) >> 64n)],
    ['mulhsu', 2, u64(-3n), MASK64, (a, b) => u64((s64(a) * b) >> 64n)],
    ['mulhu', 3, MASK64, MASK64, (a, b) => (a * b) >> 64n],
    ['div', 4, u64(-7n), 2n, () => u64(-3n)],
    ['div by zero', 4, 5n, 0n, () => MASK64],
    ['div overflow', 4, 1n << 63n, MASK64, () => 1n << 63n],
    ['divu', 5, MASK64, 2n, (a, b) => a / b],
    ['rem', 6, u64(-7n), 2n, () => u64(-1n)],
    ['rem by zero', 6, 5n, 0n, () => 5n],
    ['rem overflow', 6, 1n << 63n, MASK64, () => 0n],
    ['remu by zero', 7, 9n, 0n, () => 9n],
  ];
  it.each(cases)('%s', async (_name, f3, a, b, expected) => {
    const hart = await exec([A.mulOp(f3, X.a2, X.a0, X.a1)], { [X.a0]: a, [X.a1]: b });
    expect(hart.x(X.a2)).toBe(expected(a, b));
  });

  const wCases: [string, number, bigint, bigint, bigint][] = [
    ['mulw', 0, 0x1_0000_0003n, 0x7fff_ffffn, 0x7fff_fffdn],
    ['divw', 4, 0xffff_fff9n, 2n, u64(-3n)],
    ['divw overflow', 4, 0x8000_0000n, 0xffff_ffffn, 0xffff_ffff_8000_0000n],
    ['divuw by zero', 5, 1n, 0n, MASK64],
    ['remw by zero', 6, 0x8000_0001n, 0n, 0xffff_ffff_8000_0001n],
    ['remuw', 7, 0xffff_fffdn, 4n, 1n],
  ];
  it.each(wCases)('%s', async (_name, f3, a, b, expected) => {
    const hart = await exec([A.mulOpW(f3, X.a2, X.a0, X.a1)], { [X.a0]: a, [X.a1]: b });
    expect(hart.x(X.a2)).toBe(expected);
  });
});
