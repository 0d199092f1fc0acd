/**
 * The riscv64 machine in Node with the JIT on (issue 11): Linux boots to the shell and answers
 * with 1 and 2 harts in mixed mode (and with 1 hart in always mode when asked for), and the vCPU
 * threads report JIT counters in the machine's metrics.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { GuestShell } from '../../core/console/test-support/guest-shell';
import { createNodeMachine } from './node-machine';
import type { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { MachineSpec } from '../common/riscv64/machine-spec';
import type { JitSettings } from '../common/riscv64/jit-settings';
import type { VmConfig } from '../../core/api/types';
import { Riscv64VmmBackend } from '../common/riscv64/vmm-backend';
import { SETTLE_AFTER, SETTLED_JIT_THRESHOLD } from '../../cpu/jit/hart-runner';
import { FileStoreError, type FileStore } from '../common/riscv64/file-store';

const IMAGES = 'public/images/riscv64';
const haveImages = existsSync(`${IMAGES}/Image.gz`);
if (!haveImages) console.log(`JIT boot tests skipped: no bundled image at ${IMAGES}`);

/** JIT-only boots take 10-20 s here (every block compiled before it runs): opt in to that one. */
const withAlways = process.env.KINDLING_TEST_JIT_ALWAYS === '1';
if (haveImages && !withAlways)
  console.log('JIT always-mode boot skipped: set KINDLING_TEST_JIT_ALWAYS=1 to run it (10-20 s)');

const MARKER = 'kindling: boot complete';
const BOOT_TIMEOUT = 90_000;
const PROMPT = /kindling:.*# $/m;

/** Mixed mode translates only hot code (see cpu/jit/README.md): a shell loop on the given cpu
 *  is hot enough, and it ends with a marker the test waits for. */
const hotLoop = (cpu: number, tag: string) =>
  `taskset -c ${cpu} sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo ${tag}-$i'`;

const machines: Riscv64Machine[] = [];
afterEach(() => {
  for (const m of machines.splice(0)) m.stop({ kind: 'killed', message: 'test over' });
});

function spec(vcpus: number, jit: JitSettings): MachineSpec {
  return {
    vcpus,
    memMib: 128,
    cmdline: 'console=ttyS0 earlycon=sbi panic=1',
    kernel: new Uint8Array(gunzipSync(readFileSync(`${IMAGES}/Image.gz`))),
    initrd: new Uint8Array(readFileSync(`${IMAGES}/initramfs.cpio.gz`)),
    bootTimer: true,
    jit,
  };
}

async function bootWithJit(vcpus: number, jit: JitSettings) {
  const machine = createNodeMachine(spec(vcpus, jit));
  machines.push(machine);
  const shell = new GuestShell(machine.console);
  const started = performance.now();
  machine.start();
  await shell.waitFor(MARKER, BOOT_TIMEOUT);
  const bootMs = performance.now() - started;
  await shell.waitFor(PROMPT, 20_000);
  console.log(`JIT ${jit.mode}, ${vcpus} hart(s): boot to marker ${bootMs.toFixed(0)} ms`);
  return { machine, shell };
}

/** Metrics once every hart's vCPU thread has posted JIT counters (about once a second). */
async function jitMetrics(machine: Riscv64Machine, harts: number) {
  for (let i = 0; i < 40; i++) {
    const metrics = machine.metrics();
    if (metrics.harts.slice(0, harts).every((h) => h.jit !== null)) return metrics;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the vCPU threads posted no JIT counters');
}

describe.skipIf(!haveImages)('riscv64 machine in Node with the JIT', () => {
  it('boots one hart in mixed mode to a shell that answers, running translated code', async () => {
    const { machine, shell } = await bootWithJit(1, { mode: 'mixed' });
    expect(await shell.run('uname -m; echo $((6 * 7))')).toMatch(/riscv64\s+42/);
    const metrics = await jitMetrics(machine, 1);
    expect(metrics.jitMode).toBe('mixed');
    const stats = metrics.harts[0]!.jit!;
    expect(stats.blocksCompiled).toBeGreaterThan(100);
    expect(stats.translatedInstructions).toBeGreaterThan(1_000_000);
    console.log(
      `mixed, 1 hart: ${stats.translatedInstructions} translated / ${stats.interpretedSteps} interpreted, ` +
        `${stats.blocksCompiled} blocks, compile ${stats.compileMs.toFixed(0)} ms`,
    );
    // Idle at the prompt, the hart has settled to the lower threshold — by idling: it has run
    // fewer instructions than would settle it otherwise.
    await expect
      .poll(() => machine.metrics().harts[0]!.jit!.heatThreshold, { timeout: 5_000 })
      .toBe(SETTLED_JIT_THRESHOLD);
    const settled = machine.metrics().harts[0]!.jit!;
    expect(settled.translatedInstructions + settled.interpretedSteps).toBeLessThan(SETTLE_AFTER);
  }, 120_000);

  it('boots two harts in mixed mode, both online', async () => {
    const { machine, shell } = await bootWithJit(2, { mode: 'mixed' });
    expect((await shell.run('cat /sys/devices/system/cpu/online')).trim()).toBe('0-1');
    expect(await shell.run(`${hotLoop(0, 'cpu0')} & ${hotLoop(1, 'cpu1')}; wait`, 60_000)).toMatch(
      /cpu1-30000/,
    );
    await jitMetrics(machine, 2);
    // Counters are posted about once a second: wait until both harts report translated code.
    await expect
      .poll(() => machine.metrics().harts.map((h) => h.jit?.translatedInstructions ?? 0), {
        timeout: 5_000,
      })
      .toSatisfy((counts: number[]) => counts.every((n) => n > 0));
  }, 120_000);

  it.skipIf(!withAlways)(
    'boots one hart with every block translated (always)',
    async () => {
      const { machine, shell } = await bootWithJit(1, { mode: 'always' });
      expect(await shell.run('echo always-$((1 + 1))')).toMatch(/always-2/);
      const stats = (await jitMetrics(machine, 1)).harts[0]!.jit!;
      expect(stats.translatedInstructions).toBeGreaterThan(stats.interpretedSteps);
    },
    120_000,
  );

  it('snapshots a shell running translated code and restores it into a new JIT machine', async () => {
    const files = memoryFiles({
      '/Image.gz': readFileSync(`${IMAGES}/Image.gz`),
      '/initrd': readFileSync(`${IMAGES}/initramfs.cpio.gz`),
    });
    const config: VmConfig = {
      'boot-source': { kernel_image_path: '/Image.gz', initrd_path: '/initrd' },
      'machine-config': { vcpu_count: 1, mem_size_mib: 64 },
      drives: [],
      'network-interfaces': [],
    };
    const backend = () =>
      new Riscv64VmmBackend({
        files,
        createMachine: (machineSpec) => track(createNodeMachine(machineSpec)),
        jit: () => ({ mode: 'mixed' }),
      });
    const first = backend();
    await first.start(config);
    expect(first.machine!.spec.jit).toEqual({ mode: 'mixed' });
    const shell = new GuestShell(first.machine!.console);
    await shell.waitFor(MARKER, BOOT_TIMEOUT);
    await shell.run('echo state-before > /tmp/s');
    await first.pause();
    await first.createSnapshot({
      snapshot_type: 'Full',
      snapshot_path: '/snap',
      mem_file_path: '/mem',
    });
    first.machine!.stop({ kind: 'killed', message: 'replaced by its snapshot' });

    const second = backend();
    await second.loadSnapshot({
      snapshot_path: '/snap',
      mem_backend: { backend_type: 'File', backend_path: '/mem' },
      track_dirty_pages: false,
      resume_vm: true,
    });
    second.resume();
    const restored = new GuestShell(second.machine!.console);
    expect((await restored.run('cat /tmp/s; echo $((6 * 7))')).trim()).toMatch(/state-before\s+42/);
    expect(await restored.run(hotLoop(0, 'restored'), 60_000)).toMatch(/restored-30000/);
    // The first counters posted after the resume may predate the command: wait for translated code.
    await expect
      .poll(() => second.machine!.metrics().harts[0]!.jit?.translatedInstructions ?? 0, {
        timeout: 5_000,
      })
      .toBeGreaterThan(0);
  }, 120_000);
});

function track(machine: Riscv64Machine): Riscv64Machine {
  machines.push(machine);
  return machine;
}

function memoryFiles(initial: Record<string, Uint8Array>): FileStore {
  const stored = new Map(Object.entries(initial).map(([k, v]) => [k, new Uint8Array(v)]));
  const read = async (path: string) => {
    const bytes = stored.get(path);
    if (!bytes) throw new FileStoreError(`no file ${path}`);
    return bytes;
  };
  return {
    read,
    write: async (path, bytes) => void stored.set(path, new Uint8Array(bytes)),
    openBlock: async () => {
      throw new FileStoreError('no drives in this test');
    },
  };
}
