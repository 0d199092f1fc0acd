// Loads in a loop keep their last page translation in locals (translate/mem-emitter.ts). Two
// virtual pages that follow each other map to physical pages in the other order, so a load that
// used a cached translation for an access reaching into the next page — or kept one across a
// page change — reads the wrong bytes. Every stop is compared with the interpreter.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import { enterSupervisorSv39 } from '../test-support/supervisor.node';
import { runInLockstep } from './harness/lockstep.node';

const { t0, t2, a0, a1, a2, a3, a4, a5 } = A.X;
const ROOT = RAM_BASE + 0x10_0000n;
const L1 = ROOT + 0x1000n;
const L0 = ROOT + 0x2000n;
/** VIRTUAL → PHYS_LOW + 0x1000, VIRTUAL + 0x1000 → PHYS_LOW: contiguous virtually, not physically. */
const VIRTUAL = 0x4000_0000n;
const PHYS_LOW = RAM_BASE + 0x20_0000n;
const leaf = (phys: bigint) => ((phys >> 12n) << 10n) | 0x43n; // V R A
const table = (phys: bigint) => ((phys >> 12n) << 10n) | 1n;
const STRIDE = 3; // lw at every third byte: mostly misaligned, some crossing into the next page
const STEPS = Math.floor((0x2000 - 8) / STRIDE);
const DRIVER = RAM_BASE + 0x100n;

/** S-mode: a0 += lw, a1 += lbu over both pages at STRIDE; then a5 += ld over both, aligned. */
const LOOPS = [
  A.load(2, a3, a2, 0), // lw
  A.add(a0, a0, a3),
  A.load(4, a4, a2, 1), // lbu
  A.add(a1, a1, a4),
  A.addi(a2, a2, STRIDE),
  A.addi(t0, t0, -1),
  A.bne(t0, 0, -24),
  A.addi(a2, t2, 0),
  A.addi(t0, 0, 0x2000 / 8),
  A.ld(a4, a2, 0),
  A.add(a5, a5, a4),
  A.addi(a2, a2, 8),
  A.addi(t0, t0, -1),
  A.bne(t0, 0, -16),
  A.SPIN,
];
const END = DRIVER + BigInt((LOOPS.length - 1) * 4);

async function load(): Promise<TestMachine> {
  const m = await createTestMachine();
  m.writeU64(ROOT + 1n * 8n, table(L1));
  m.writeU64(L1, table(L0));
  m.writeU64(L0, leaf(PHYS_LOW + 0x1000n));
  m.writeU64(L0 + 8n, leaf(PHYS_LOW));
  let seed = 0x9e3779b97f4a7c15n;
  for (let i = 0n; i < 0x2000n; i += 8n) {
    seed = BigInt.asUintN(64, seed * 6364136223846793005n + 1442695040888963407n);
    m.writeU64(PHYS_LOW + i, seed);
  }
  m.code(DRIVER, LOOPS);
  enterSupervisorSv39(m, ROOT, DRIVER);
  m.harts[0]!.setX(t0, BigInt(STEPS));
  m.harts[0]!.setX(t2, VIRTUAL);
  m.harts[0]!.setX(a2, VIRTUAL);
  return m;
}

/** The guest's view of virtual byte `v` of the two pages. */
function virtualBytes(m: TestMachine): (v: number) => number {
  const low = Number(PHYS_LOW - RAM_BASE);
  return (v) => m.ram[low + (v < 0x1000 ? v + 0x1000 : v - 0x1000)]!;
}

describe('page translations kept in locals by loads in loops', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('reads across non-contiguous pages with misaligned and crossing loads, as the interpreter', async () => {
    const m = await load();
    const reference = await load();
    expect(m.harts[0]!.pc).toBe(DRIVER);
    const jit = runInLockstep(m, reference, END, [5000, 7, 100, 13, 2000, 1]);

    const byte = virtualBytes(m);
    const word = (v: number, n: number) => {
      let x = 0n;
      for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(byte(v + i));
      return x;
    };
    let words = 0n;
    let bytes = 0n;
    for (let s = 0; s < STEPS; s++) {
      words += BigInt.asIntN(32, word(s * STRIDE, 4));
      bytes += BigInt(byte(s * STRIDE + 1));
    }
    let doubles = 0n;
    for (let v = 0; v < 0x2000; v += 8) doubles += word(v, 8);
    const h = m.harts[0]!;
    expect(h.x(a0)).toBe(BigInt.asUintN(64, words));
    expect(h.x(a1)).toBe(BigInt.asUintN(64, bytes));
    expect(h.x(a5)).toBe(BigInt.asUintN(64, doubles));
    // Only the TLB's first misses and the loads crossing the page boundary are interpreted.
    expect(jit.stats.interpretedSteps).toBeLessThan(20);
    expect(jit.stats.translatedInstructions).toBeGreaterThan(7 * STEPS);
  });
});
