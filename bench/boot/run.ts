/**
 * Boot to the shell marker (`kindling: boot complete`, printed by the image's init just before the
 * shell starts): Kindling in Node and in headless Chromium, next to QEMU TCG on the same kernel and
 * initramfs and v86 on an i386 build. Each side runs `--runs` times; see bench/README.md.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasCommand } from '../lib/commands';
import { parseBenchArgs } from '../lib/args';
import { loadManifest, unpackImage } from '../lib/images';
import { timeToMarker } from '../lib/process-marker';
import type { BenchOutput, BenchResult, BenchSkip } from '../lib/schema';
import { kindlingChromiumBoot } from './kindling-chromium';
import { V86_PEER_NAME, v86BootToMarker } from './v86-peer';

const MARKER = 'kindling: boot complete';
const TIMEOUT_MS = 120_000;
/** Guest RAM on every side, so no one boots with more or less to clear. */
const MEM_MIB = 256;

async function repeat(runs: number, once: () => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return values;
}

function qemuName(harts: number): string {
  return `qemu-system-riscv64 -M virt -smp ${harts} (TCG, OpenSBI)`;
}

async function qemuRiscv64(
  runs: number,
  harts: number,
  skipped: BenchSkip[],
): Promise<number[] | undefined> {
  if (!hasCommand('qemu-system-riscv64')) {
    skipped.push({ name: qemuName(harts), reason: 'not installed (Debian qemu-system-misc)' });
    return undefined;
  }
  const image = loadManifest().find((i) => i.arch === 'riscv64');
  if (!image) {
    skipped.push({ name: qemuName(harts), reason: 'no riscv64 image in public/images' });
    return undefined;
  }
  const files = unpackImage(image);
  const args = ['-M', 'virt', '-m', `${MEM_MIB}M`, '-smp', String(harts), '-bios', 'default'];
  args.push('-nographic', '-no-reboot');
  args.push('-kernel', files.kernel!, '-initrd', files.initrd!, '-append', image.cmdline);
  try {
    return await repeat(
      runs,
      async () => (await timeToMarker('qemu-system-riscv64', args, MARKER, TIMEOUT_MS)).ms,
    );
  } finally {
    rmSync(dirname(files.kernel!), { recursive: true, force: true });
  }
}

/** `npm run vm`'s entry point booting the bundled image; `jit` goes through KINDLING_JIT. */
async function kindlingNode(
  runs: number,
  skipped: BenchSkip[],
  jit: 'off' | 'mixed' = 'off',
): Promise<number[] | undefined> {
  if (!existsSync('cpu/build/rv64.wasm'))
    spawnSync('npm', ['run', '--silent', 'build:cpu'], { stdio: 'inherit' });
  const image = loadManifest().find((i) => i.arch === 'riscv64');
  if (!image) {
    skipped.push({ name: 'Kindling (Node)', reason: 'no riscv64 image in public/images' });
    return undefined;
  }
  const args = [`KINDLING_JIT=${jit}`, process.execPath, '--import', 'tsx', 'host/cli/vm.ts'];
  args.push('--mem', String(MEM_MIB), '--smp', '1', '--cmdline', image.cmdline);
  return repeat(runs, async () => (await timeToMarker('env', args, MARKER, TIMEOUT_MS)).ms);
}

function log(label: string, values: number[] | undefined): void {
  if (values)
    console.log(`${label} boot to marker (ms): ${values.map((v) => v.toFixed(0)).join(' ')}`);
}

/** A row for our figure, with its peer when the peer was measured (a missing peer is in `skipped`). */
function row(
  base: Omit<BenchResult, 'peer' | 'metric' | 'unit' | 'higherIsBetter'>,
  peer: { name: string; values: number[] | undefined },
): BenchResult {
  const result: BenchResult = { ...base, metric: 'time', unit: 'ms', higherIsBetter: false };
  if (peer.values) result.peer = { name: peer.name, values: peer.values };
  return result;
}

const QEMU_TIMER = 'QEMU: from process spawn to the marker line on its serial console (stdout)';
const CHROMIUM_TIMER =
  "Kindling: from the API's InstanceStart (startVm, after image download and configuration) to the marker line reaching the page (window.kindling.bootToMarker), a fresh VM per run on one page";

async function main(): Promise<void> {
  const { json, runs } = parseBenchArgs();
  const skipped: BenchSkip[] = [];
  const results: BenchResult[] = [];

  const qemu1 = await qemuRiscv64(runs, 1, skipped);
  log(qemuName(1), qemu1);
  const qemu2 = await qemuRiscv64(runs, 2, skipped);
  log(qemuName(2), qemu2);

  // Ours in Node: the same kernel, initramfs, command line, RAM and hart count as QEMU, timed the
  // same way (process spawn → marker), through `npm run vm`'s entry point.
  const node = await kindlingNode(runs, skipped);
  log('Kindling (Node)', node);
  if (node)
    results.push(
      row(
        {
          name: 'boot to shell marker (riscv64, Node)',
          ours: node,
          oursLabel: 'Kindling interpreter, Node worker_threads',
          note: `from process spawn to the marker line on the serial console, both sides; 1 hart, ${MEM_MIB} MiB, same kernel, initramfs and command line`,
        },
        { name: qemuName(1), values: qemu1 },
      ),
    );

  const nodeJit = await kindlingNode(runs, skipped, 'mixed');
  log('Kindling (Node, JIT mixed)', nodeJit);
  if (nodeJit)
    results.push(
      row(
        {
          name: 'boot to shell marker (riscv64, Node): JIT mixed vs interpreter',
          ours: nodeJit,
          oursLabel: 'Kindling JIT mixed, Node worker_threads',
          note: `from process spawn to the marker line, both sides; 1 hart, ${MEM_MIB} MiB; the same Kindling build with KINDLING_JIT=mixed against the interpreter alone`,
        },
        { name: 'Kindling interpreter, Node worker_threads', values: node },
      ),
    );

  const chromium = await kindlingChromiumBoot([1, 2], runs, MEM_MIB, skipped, [1, 2]);
  const chromium1 = chromium?.byHarts.get(1);
  const chromium2 = chromium?.byHarts.get(2);
  log('Kindling (Chromium, 1 hart)', chromium1);
  log('Kindling (Chromium, 2 harts)', chromium2);

  const v86 = await v86BootToMarker(
    { runs, memMib: MEM_MIB, marker: MARKER, timeoutMs: TIMEOUT_MS },
    skipped,
  );
  log(V86_PEER_NAME, v86);

  const oursLabel = 'Kindling interpreter, headless Chromium (Web Workers)';
  for (const harts of [1, 2]) {
    const jit = chromium?.jitByHarts.get(harts);
    log(`Kindling (Chromium, ${harts} hart(s), JIT mixed)`, jit);
    if (!jit) continue;
    results.push(
      row(
        {
          name: `boot to shell marker (riscv64, Chromium, ${harts} hart${harts > 1 ? 's' : ''}): JIT mixed vs interpreter`,
          ours: jit,
          oursLabel: 'Kindling JIT mixed, headless Chromium (Web Workers)',
          note: `${CHROMIUM_TIMER}. The same page and build, JIT mixed against the interpreter alone; ${harts} hart(s), ${MEM_MIB} MiB`,
        },
        { name: oursLabel, values: chromium?.byHarts.get(harts) },
      ),
    );
  }
  if (chromium1) {
    results.push(
      row(
        {
          name: 'boot to shell marker (riscv64, Chromium, 1 hart) vs QEMU',
          ours: chromium1,
          oursLabel,
          note: `${CHROMIUM_TIMER}. ${QEMU_TIMER} (includes QEMU's process start-up). 1 hart, ${MEM_MIB} MiB, same kernel, initramfs and command line`,
        },
        { name: qemuName(1), values: qemu1 },
      ),
    );
    results.push(
      row(
        {
          name: 'boot to shell marker (Chromium, 1 CPU) vs v86',
          ours: chromium1,
          oursLabel,
          note: `${CHROMIUM_TIMER}. v86: from \`new V86(...)\` to the marker on serial0, in a freshly loaded page with BIOS, VGA BIOS, bzImage and initramfs already downloaded and v86.wasm compiled (instantiation is timed). v86 boots the i386 build of the same kernel source and busybox (manifest entry i386-v86-bench) through SeaBIOS; ${MEM_MIB} MiB each. Different guest ISA: a rough peer, not a like-for-like one`,
        },
        { name: V86_PEER_NAME, values: v86 },
      ),
    );
  }
  if (chromium2)
    results.push(
      row(
        {
          name: 'boot to shell marker (riscv64, Chromium, 2 harts) vs QEMU',
          ours: chromium2,
          oursLabel,
          note: `${CHROMIUM_TIMER}. ${QEMU_TIMER}. 2 harts (one vCPU worker each; QEMU uses multi-threaded TCG), ${MEM_MIB} MiB`,
        },
        { name: qemuName(2), values: qemu2 },
      ),
    );

  const output: BenchOutput = { benchmark: 'boot', results, skipped };
  if (json) writeFileSync(json, JSON.stringify(output, null, 2));
}

await main();
