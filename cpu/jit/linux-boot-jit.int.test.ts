// The Linux boot of cpu/runner/linux-boot.int.test.ts (minimal SBI, no root file system, up to
// the "unable to mount root fs" panic and the SRST reboot) with the JIT dispatcher in JIT-only
// mode: paging, sfence.vma, traps and timer interrupts interleaved with translated blocks.
import { describe, it, expect, beforeAll } from 'vitest';
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
} from '../loader';
import { JitHart } from './jit-hart';
import { HS_STIMECMP } from '../layout/hart-state';
import { EXIT_BUDGET, EXIT_SBI_STOP } from '../layout/exit-reasons';

const root = join(import.meta.dirname, '..', '..');
const kernelPath = join(root, 'public', 'images', 'riscv64', 'Image.gz');
const dtbPath = join(import.meta.dirname, '..', 'test-programs', 'linux-virt.dtb');
const haveKernel = existsSync(kernelPath);
if (!haveKernel) console.log(`skipping Linux boot: ${kernelPath} not built (images/build.sh)`);

const EID_LEGACY_SET_TIMER = 0n;
const EID_LEGACY_PUTCHAR = 1n;
const EID_LEGACY_SHUTDOWN = 8n;
const EID_BASE = 0x10n;
const EID_TIME = 0x54494d45n;
const EID_SRST = 0x53525354n;
const SBI_ERR_NOT_SUPPORTED = -2n;

beforeAll(() => void buildWasm(), 300_000);

describe.skipIf(!haveKernel)('Linux on the WASM CPU with the JIT', () => {
  it('boots to the no-root-fs panic and reboots through SBI SRST', async () => {
    const ramBytes = 128 << 20;
    const memory = createGuestMemory(ramBytes);
    configureMachine(memory, { ramBytes, harts: 1, providesSbi: true });
    const ram = guestRam(memory, ramBytes);
    ram.set(gunzipSync(readFileSync(kernelPath)), 0x20_0000);
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
    const jit = new JitHart(cpu, memory, 0, {
      now: () => performance.now(),
      threshold: Number(process.env.JIT_THRESHOLD ?? 0),
    });
    let reason = EXIT_BUDGET;
    for (let used = 0; reason === EXIT_BUDGET && used < 300_000_000; used += 5_000_000) {
      reason = jit.run(5_000_000);
    }
    const seconds = (performance.now() - started) / 1000;
    const s = jit.stats;
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
