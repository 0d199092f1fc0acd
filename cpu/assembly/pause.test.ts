// PAUSE (pause.ts): a FENCE hint, except that a streak of them in a spin-wait makes the hart give
// its host thread up (the pauseYield hook), and an interrupt that arrived meanwhile is taken at
// once.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from '../test-support/machine.node';
import * as A from '../test-support/asm';
import { HS_MCAUSE, HS_MEPC, HS_MIE, HS_MSTATUS, HS_MTVEC } from '../layout/hart-state';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

/** a0 counts the turns of a spin-wait: PAUSE, a0++, jump back (3 instructions a turn). */
const SPIN_WAIT = [A.PAUSE, A.addi(A.X.a0, A.X.a0, 1), A.jal(0, -8)];

describe('PAUSE', () => {
  it('yields once per 64 PAUSEs of a spin-wait, and otherwise changes nothing', async () => {
    let yields = 0;
    const m = await createTestMachine({ hooks: { pauseYield: () => yields++ } });
    m.code(RAM_BASE, SPIN_WAIT);
    m.run(3 * 640);
    expect(m.harts[0]!.x(A.X.a0)).toBe(640n);
    expect(m.harts[0]!.pc).toBe(RAM_BASE);
    expect(yields).toBe(10);
    expect(m.harts[0]!.counters().pauseYields).toBe(10n);
  });

  it('does not yield for PAUSEs far apart (ordinary code, not a spin-wait)', async () => {
    let yields = 0;
    const m = await createTestMachine({ hooks: { pauseYield: () => yields++ } });
    const work = Array.from({ length: 70 }, () => A.addi(A.X.a1, A.X.a1, 1));
    m.code(RAM_BASE, [A.PAUSE, A.addi(A.X.a0, A.X.a0, 1), ...work, A.jal(0, -4 * 72)]);
    m.run(73 * 200); // 73 instructions a turn
    expect(m.harts[0]!.x(A.X.a0)).toBe(200n);
    expect(yields).toBe(0);
  });

  it('takes an interrupt that arrived during the yield right after the PAUSE', async () => {
    const HANDLER = RAM_BASE + 0x100n;
    let m: ReturnType<typeof createTestMachine> extends Promise<infer T> ? T : never;
    m = await createTestMachine({ hooks: { pauseYield: () => m.harts[0]!.raiseInterrupt(1 << 3) } });
    m.code(RAM_BASE, SPIN_WAIT);
    m.code(HANDLER, [A.SPIN]);
    const h = m.harts[0]!;
    h.setCsr(HS_MTVEC, HANDLER);
    h.setCsr(HS_MIE, 1n << 3n); // MSIE
    h.setCsr(HS_MSTATUS, 1n << 3n); // MIE
    m.run(3 * 64 + 1);
    expect(h.pc).toBe(HANDLER);
    expect(h.csr(HS_MCAUSE)).toBe((1n << 63n) | 3n);
    expect(h.csr(HS_MEPC)).toBe(RAM_BASE + 4n); // the instruction after the 64th PAUSE
    expect(h.x(A.X.a0)).toBe(63n);
  });
});
