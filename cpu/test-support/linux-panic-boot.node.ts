// Boots the project's riscv64 Linux kernel (public/images/riscv64/Image.gz) on one hart with a
// minimal SBI (legacy console, TIME, SRST) and no root file system: reaching the "unable to mount
// root fs" panic exercises paging, traps, timer interrupts and U/S/M transitions end to end.
// Shared by the interpreter's and the JIT's boot tests; `step` is how each runs the hart.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { buildWasm } from '../build-wasm';
import {
  configureMachine,
  createGuestMemory,
  guestRam,
  HartState,
  instantiateCpu,
  type CpuExports,
} from '../loader';
import { HS_STIMECMP } from '../layout/hart-state';
import { EXIT_BUDGET } from '../layout/exit-reasons';

const root = join(import.meta.dirname, '..', '..');
export const LINUX_KERNEL_PATH = join(root, 'public', 'images', 'riscv64', 'Image.gz');
const dtbPath = join(import.meta.dirname, '..', 'test-programs', 'linux-virt.dtb');
export const haveLinuxKernel = existsSync(LINUX_KERNEL_PATH);

const EID_LEGACY_SET_TIMER = 0n;
const EID_LEGACY_PUTCHAR = 1n;
const EID_LEGACY_SHUTDOWN = 8n;
const EID_BASE = 0x10n;
const EID_TIME = 0x54494d45n;
const EID_SRST = 0x53525354n;
const SBI_ERR_NOT_SUPPORTED = -2n;

export interface PanicBoot {
  output: string;
  /** The exit reason that ended the loop (EXIT_SBI_STOP after the reboot request). */
  reason: number;
  hart: HartState;
  seconds: number;
}

/** `makeStep` receives the instantiated CPU and returns how to run `budget` instructions. */
export async function bootLinuxToPanic(
  makeStep: (cpu: CpuExports, memory: WebAssembly.Memory) => (budget: number) => number,
): Promise<PanicBoot> {
  const ramBytes = 128 << 20;
  const memory = createGuestMemory(ramBytes);
  configureMachine(memory, { ramBytes, harts: 1, providesSbi: true });
  const ram = guestRam(memory, ramBytes);
  ram.set(gunzipSync(readFileSync(LINUX_KERNEL_PATH)), 0x20_0000);
  const dtbOffset = 0x7e0_0000;
  ram.set(readFileSync(dtbPath), dtbOffset);
  const hart = new HartState(memory, 0);
  let output = '';
  let skipped = 0n;
  const started = performance.now();
  const cpu = await instantiateCpu(readFileSync(buildWasm()), memory, {
    mmioRead: (_h, addr) => (addr === 0x1000_0005n ? 0x60n : 0n), // 16550 LSR: ready
    mmioWrite: (_h, addr, _s, value) => {
      if (addr === 0x1000_0000n) output += String.fromCharCode(Number(value & 0xffn));
    },
    sbiCall: () => {
      const eid = hart.x(17);
      const fid = hart.x(16);
      const a0 = hart.x(10);
      let error = 0n;
      let value = 0n;
      if (eid === EID_LEGACY_PUTCHAR) output += String.fromCharCode(Number(a0 & 0xffn));
      else if (eid === EID_LEGACY_SET_TIMER || eid === EID_TIME) hart.setCsr(HS_STIMECMP, a0);
      else if (eid === EID_LEGACY_SHUTDOWN || eid === EID_SRST) return 1;
      else if (eid === EID_BASE) {
        if (fid === 0n)
          value = 0x0100_0000n; // SBI v1.0
        else if (fid === 3n) value = a0 === EID_TIME || a0 === EID_SRST ? 1n : 0n;
      } else error = SBI_ERR_NOT_SUPPORTED;
      hart.setX(10, error);
      if (eid >= EID_BASE) hart.setX(11, value);
      return 0;
    },
    wfi: (_h, timeout) => {
      if (timeout > 0n) skipped += timeout;
    },
    timeNow: () => BigInt(Math.floor((performance.now() - started) * 10_000)) + skipped,
  });
  cpu.hart_reset(0, 0x8020_0000n, 0n, 0x8000_0000n + BigInt(dtbOffset), 1);
  const step = makeStep(cpu, memory);
  let reason = EXIT_BUDGET;
  for (let used = 0; reason === EXIT_BUDGET && used < 300_000_000; used += 5_000_000) {
    reason = step(5_000_000);
  }
  return { output, reason, hart, seconds: (performance.now() - started) / 1000 };
}
