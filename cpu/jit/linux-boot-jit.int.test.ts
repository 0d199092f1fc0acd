// The Linux boot of cpu/runner/linux-boot.int.test.ts (minimal SBI, no root file system, up to
// the "unable to mount root fs" panic and the SRST reboot) with the JIT dispatcher in JIT-only
// mode: paging, sfence.vma, traps and timer interrupts interleaved with translated blocks.
import { describe, it, expect, beforeAll } from 'vitest';
import { performance } from 'node:perf_hooks';
import { buildWasm } from '../build-wasm';
import { EXIT_SBI_STOP } from '../layout/exit-reasons';
import {
  bootLinuxToPanic,
  haveLinuxKernel,
  LINUX_KERNEL_PATH,
} from '../test-support/linux-panic-boot.node';
import { JitHart } from './jit-hart';

if (!haveLinuxKernel) console.log(`skipping JIT Linux boot: ${LINUX_KERNEL_PATH} not built`);

beforeAll(() => void buildWasm(), 300_000);

describe.skipIf(!haveLinuxKernel)('Linux on the WASM CPU with the JIT', () => {
  it('boots to the no-root-fs panic and reboots through SBI SRST', async () => {
    let jit: JitHart | undefined;
    const { output, reason, hart, seconds } = await bootLinuxToPanic((cpu, memory) => {
      jit = new JitHart(cpu, memory, 0, {
        now: () => performance.now(),
        threshold: Number(process.env.JIT_THRESHOLD ?? 0),
      });
      return (budget) => jit!.run(budget);
    });
    const s = jit!.stats;
    console.log(
      `Linux to panic with the JIT: ${hart.instret} instructions in ${seconds.toFixed(2)} s; ` +
        `${s.translatedInstructions} translated, ${s.interpretedSteps} interpreted steps, ` +
        `${s.blocksCompiled} blocks in ${s.regionsCompiled} modules (${(s.wasmBytes / 1024).toFixed(0)} KiB) compiled in ` +
        `${s.compileMs.toFixed(0)} ms, ${s.invalidatedPages} pages invalidated, ${s.flushes} flushes`,
    );
    expect(output).toContain('Linux version');
    expect(output).toContain('Kernel panic - not syncing: VFS: Unable to mount root fs');
    expect(reason).toBe(EXIT_SBI_STOP);
    expect(hart.interruptsByCause()[5]).toBeGreaterThan(0n); // supervisor timer interrupts
    expect(hart.counters().sbi).toBeGreaterThan(0n);
    expect(s.translatedInstructions).toBeGreaterThan(Number(hart.instret) / 2);
  });
});
