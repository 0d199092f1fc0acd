// Code reached through a virtual page the guest remaps: translations are keyed by physical
// address and looked up through the fetch TLB, so after the guest rewrites its PTE and runs
// SFENCE.VMA the same virtual pc must run the new page's code, not the old translation.
import { describe, it, expect } from 'vitest';
import * as A from '../test-support/asm';
import { createTestMachine, CPU_BUILD_TIMEOUT_MS, RAM_BASE } from '../test-support/machine.node';
import { enterSupervisorSv39 } from '../test-support/supervisor.node';
import { JitHart } from './jit-hart';

const { ra, t1, t2, s0, a0 } = A.X;
const PTE = { V: 1n, R: 2n, W: 4n, X: 8n, A: 64n, D: 128n };
const ROOT = RAM_BASE + 0x10_0000n;
const L1 = ROOT + 0x1000n;
const L0 = ROOT + 0x2000n;
const PAGE_ONE = RAM_BASE + 0x20_0000n;
const PAGE_TWO = PAGE_ONE + 0x1000n;
const VIRTUAL_CODE = 0x4000_0000n;
const DRIVER = RAM_BASE + 0x100n;
const leaf = (phys: bigint) => ((phys >> 12n) << 10n) | PTE.V | PTE.R | PTE.X | PTE.A;
const table = (phys: bigint) => ((phys >> 12n) << 10n) | PTE.V;

async function runRemapProgram(engine: 'interpreter' | 'jit') {
  const m = await createTestMachine();
  // Sv39: VIRTUAL_CODE → PAGE_ONE through L1/L0 (RAM identity-mapped by enterSupervisorSv39).
  m.writeU64(ROOT + 1n * 8n, table(L1));
  m.writeU64(L1, table(L0));
  m.writeU64(L0, leaf(PAGE_ONE));
  m.code(PAGE_ONE, [A.addi(a0, a0, 1), A.jalr(0, ra, 0)]);
  m.code(PAGE_TWO, [A.addi(a0, a0, 100), A.jalr(0, ra, 0)]);
  // S-mode: call the mapped function three times, remap, call it again.
  m.code(DRIVER, [
    A.jalr(ra, s0, 0),
    A.jalr(ra, s0, 0),
    A.jalr(ra, s0, 0),
    A.sd(t2, t1, 0),
    A.sfenceVma(0, 0),
    A.jalr(ra, s0, 0),
    A.SPIN,
  ]);
  enterSupervisorSv39(m, ROOT, DRIVER);
  const hart = m.harts[0]!;
  hart.setX(t1, leaf(PAGE_TWO));
  hart.setX(t2, L0);
  hart.setX(s0, VIRTUAL_CODE);
  const jit = engine === 'jit' ? new JitHart(m.cpus[0]!, m.memory, 0) : undefined;
  if (jit) jit.run(200);
  else m.run(200);
  return { a0: hart.x(a0), jit };
}

describe('code in a page the guest remaps', () => {
  it(
    'runs the new page after the PTE changes and SFENCE.VMA, as the interpreter does',
    async () => {
      const interpreted = await runRemapProgram('interpreter');
      expect(interpreted.a0).toBe(103n);
      const translated = await runRemapProgram('jit');
      expect(translated.a0).toBe(103n);
      expect(translated.jit!.stats.translatedInstructions).toBeGreaterThan(0);
    },
    CPU_BUILD_TIMEOUT_MS,
  );
});
