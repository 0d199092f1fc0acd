// Linux to the no-root-fs panic on the interpreter (setup in cpu/test-support/linux-panic-boot).
import { describe, it, expect, beforeAll } from 'vitest';
import { buildWasm } from '../build-wasm';
import { EXIT_SBI_STOP } from '../layout/exit-reasons';
import {
  bootLinuxToPanic,
  haveLinuxKernel,
  LINUX_KERNEL_PATH,
} from '../test-support/linux-panic-boot.node';

if (!haveLinuxKernel)
  console.log(`skipping Linux boot: ${LINUX_KERNEL_PATH} not built (images/build.sh)`);

beforeAll(() => void buildWasm(), 300_000);

describe.skipIf(!haveLinuxKernel)('Linux on the WASM CPU', () => {
  it('boots to the no-root-fs panic and reboots through SBI SRST', async () => {
    const { output, reason, hart } = await bootLinuxToPanic(
      (cpu) => (budget) => cpu.run(0, budget),
    );
    expect(output).toContain('Linux version');
    expect(output).toContain('Kernel panic - not syncing: VFS: Unable to mount root fs');
    expect(reason).toBe(EXIT_SBI_STOP);
    expect(hart.interruptsByCause()[5]).toBeGreaterThan(0n); // supervisor timer interrupts
    expect(hart.counters().sbi).toBeGreaterThan(0n);
  });
});
