// The Linux boot of cpu/runner/linux-boot.int.test.ts (minimal SBI, no root file system, up to
// the "unable to mount root fs" panic and the SRST reboot) on the interpreter, with the JIT in
// mixed mode (the default threshold) and in JIT-only mode: paging, sfence.vma, traps and timer
// interrupts interleaved with translated regions. Prints the three boot times.
import { describe, it, expect, beforeAll } from 'vitest';
import { performance } from 'node:perf_hooks';
import { buildWasm } from '../build-wasm';
import { EXIT_SBI_STOP } from '../layout/exit-reasons';
import {
  bootLinuxToPanic,
  haveLinuxKernel,
  LINUX_KERNEL_PATH,
  type PanicBoot,
} from '../test-support/linux-panic-boot.node';
import { JitHart, type JitStats } from './jit-hart';
import { DEFAULT_JIT_THRESHOLD } from './hart-runner';

if (!haveLinuxKernel) console.log(`skipping JIT Linux boot: ${LINUX_KERNEL_PATH} not built`);

beforeAll(() => void buildWasm(), 300_000);

async function boot(threshold: number | undefined): Promise<PanicBoot & { stats?: JitStats }> {
  let jit: JitHart | undefined;
  const result = await bootLinuxToPanic((cpu, memory) => {
    if (threshold === undefined) return (budget) => cpu.run(0, budget);
    jit = new JitHart(cpu, memory, 0, { now: () => performance.now(), threshold });
    return (budget) => jit!.run(budget);
  });
  return jit ? { ...result, stats: jit.stats } : result;
}

function expectPanicBoot(b: PanicBoot): void {
  expect(b.output).toContain('Linux version');
  expect(b.output).toContain('Kernel panic - not syncing: VFS: Unable to mount root fs');
  expect(b.reason).toBe(EXIT_SBI_STOP);
  expect(b.hart.interruptsByCause()[5]).toBeGreaterThan(0n); // supervisor timer interrupts
  expect(b.hart.counters().sbi).toBeGreaterThan(0n);
}

const describeStats = (s: JitStats): string =>
  `${s.translatedInstructions} translated, ${s.interpretedSteps} interpreted, ` +
  `${s.blocksCompiled} blocks in ${s.regionsCompiled} regions (${(s.wasmBytes / 1024).toFixed(0)} KiB) ` +
  `compiled in ${s.compileMs.toFixed(0)} ms, ${s.dispatcherExits} dispatcher exits, ` +
  `${s.invalidatedPages} pages invalidated, ${s.flushes} flushes, ${s.faults} faults`;

describe.skipIf(!haveLinuxKernel)('Linux on the WASM CPU with the JIT', () => {
  it('boots to the no-root-fs panic on the interpreter, in mixed mode and JIT-only', async () => {
    const interpreter = await boot(undefined);
    expectPanicBoot(interpreter);
    const mixed = await boot(DEFAULT_JIT_THRESHOLD);
    expectPanicBoot(mixed);
    const always = await boot(0);
    expectPanicBoot(always);
    console.log(
      `Linux to panic: interpreter ${interpreter.seconds.toFixed(2)} s (${interpreter.hart.instret} insns); ` +
        `mixed (threshold ${DEFAULT_JIT_THRESHOLD}) ${mixed.seconds.toFixed(2)} s (${mixed.hart.instret} insns; ` +
        `${describeStats(mixed.stats!)}); JIT-only ${always.seconds.toFixed(2)} s ` +
        `(${always.hart.instret} insns; ${describeStats(always.stats!)})`,
    );
    expect(always.stats!.translatedInstructions).toBeGreaterThan(Number(always.hart.instret) / 2);
    expect(mixed.stats!.faults + always.stats!.faults).toBe(0);
  });
});
