import { describe, it, expect, beforeAll } from 'vitest';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
} from './test-support/machine.node';
import * as H from './layout/hart-state';
import * as E from './layout/exit-reasons';

beforeAll(() => cpuModule(), CPU_BUILD_TIMEOUT_MS);

/** Deterministic xorshift32 so a failure is reproducible from its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

const EXIT_REASONS = [E.EXIT_BUDGET, E.EXIT_STOP_REQUESTED, E.EXIT_TRAP_LOOP];

describe('hostile guest code', () => {
  // Random bytes as code, random trap vectors and page tables: run() must never throw (a WASM
  // out-of-bounds access would) and must come back with a defined exit reason.
  it.each([1, 2, 3, 4, 5, 6])(
    'random RAM image, seed %i, M/S/U with and without paging',
    async (seed) => {
      const next = random(seed);
      const m = await createTestMachine({ ramBytes: 1024 * 1024 });
      for (let i = 0; i < m.ram.length; i += 4) {
        new DataView(m.memory.buffer, m.ram.byteOffset).setUint32(i, next(), true);
      }
      const hart = m.harts[0]!;
      const priv = [0, 1, 3][seed % 3]!;
      m.cpus[0]!.hart_reset(0, RAM_BASE + BigInt(next() & 0xfffe), 0n, 0n, priv);
      hart.setCsr(H.HS_MTVEC, RAM_BASE + BigInt(next() & 0xfffc));
      hart.setCsr(H.HS_STVEC, RAM_BASE + BigInt(next() & 0xfffc));
      if (seed % 2 === 0) {
        const mode = seed % 4 === 0 ? 9n : 8n;
        hart.setCsr(H.HS_SATP, (mode << 60n) | ((RAM_BASE >> 12n) + BigInt(next() & 0xff)));
        m.cpus[0]!.tlb_flush(0);
      }
      for (let round = 0; round < 20; round++) {
        const reason = m.run(10_000);
        expect(EXIT_REASONS).toContain(reason);
        if (reason === E.EXIT_TRAP_LOOP) break;
      }
      expect([0, 1, 3]).toContain(hart.priv);
    },
  );

  it('rejects a bad hart number without touching memory', async () => {
    const m = await createTestMachine();
    expect(m.cpus[0]!.run(8, 100)).toBe(E.EXIT_FATAL);
    expect(m.cpus[0]!.run(-1, 100)).toBe(E.EXIT_FATAL);
  });
});
