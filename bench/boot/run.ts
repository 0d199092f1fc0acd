/**
 * Boot to the shell marker (`kindling: boot complete`, printed by the image's init just before the
 * shell starts): Kindling in Node and in headless Chromium, next to QEMU TCG on the same kernel and
 * initramfs and v86 on an i386 build. Each side runs `--runs` times; see bench/README.md.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseBenchArgs } from '../lib/args';
import { loadManifest, unpackImage } from '../lib/images';
import { timeToMarker } from '../lib/process-marker';
import type { BenchOutput, BenchSkip } from '../lib/schema';

const MARKER = 'kindling: boot complete';
const TIMEOUT_MS = 120_000;

async function repeat(runs: number, once: () => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return values;
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function qemuRiscv64(runs: number, skipped: BenchSkip[]): Promise<number[] | undefined> {
  if (!hasCommand('qemu-system-riscv64')) {
    skipped.push({
      name: 'qemu-system-riscv64',
      reason: 'not installed (Debian qemu-system-misc)',
    });
    return undefined;
  }
  const image = loadManifest().find((i) => i.arch === 'riscv64');
  if (!image) {
    skipped.push({ name: 'qemu-system-riscv64', reason: 'no riscv64 image in public/images' });
    return undefined;
  }
  const files = unpackImage(image);
  const args = [
    '-M',
    'virt',
    '-m',
    '256M',
    '-smp',
    '1',
    '-bios',
    'default',
    '-nographic',
    '-no-reboot',
  ];
  args.push('-kernel', files.kernel!, '-initrd', files.initrd!, '-append', image.cmdline);
  return repeat(
    runs,
    async () => (await timeToMarker('qemu-system-riscv64', args, MARKER, TIMEOUT_MS)).ms,
  );
}

async function kindlingNode(runs: number, skipped: BenchSkip[]): Promise<number[] | undefined> {
  if (!existsSync('cpu/build/rv64.wasm'))
    spawnSync('npm', ['run', '--silent', 'build:cpu'], { stdio: 'inherit' });
  const image = loadManifest().find((i) => i.arch === 'riscv64');
  if (!image) {
    skipped.push({ name: 'Kindling (Node)', reason: 'no riscv64 image in public/images' });
    return undefined;
  }
  const args = [
    '--import',
    'tsx',
    'host/cli/vm.ts',
    '--mem',
    '256',
    '--smp',
    '1',
    '--cmdline',
    image.cmdline,
  ];
  return repeat(
    runs,
    async () => (await timeToMarker(process.execPath, args, MARKER, TIMEOUT_MS)).ms,
  );
}

async function main(): Promise<void> {
  const { json, runs } = parseBenchArgs();
  const skipped: BenchSkip[] = [];
  const qemu = await qemuRiscv64(runs, skipped);
  if (qemu)
    console.log(
      `qemu-system-riscv64 TCG boot to marker (ms): ${qemu.map((v) => v.toFixed(0)).join(' ')}`,
    );

  // Ours in Node: the same kernel, initramfs, command line, RAM and hart count as QEMU, timed the
  // same way (process spawn → marker), through `npm run vm`'s entry point.
  const ours = await kindlingNode(runs, skipped);
  if (ours)
    console.log(`Kindling (Node) boot to marker (ms): ${ours.map((v) => v.toFixed(0)).join(' ')}`);

  skipped.push({
    name: 'Kindling (Chromium) and v86',
    reason:
      'the Chromium boot benchmark is not wired yet; v86 needs the i386 peer image, which images/ has not built',
  });

  const output: BenchOutput = {
    benchmark: 'boot',
    results: qemu
      ? [
          {
            name: 'boot to shell marker (riscv64, Node)',
            metric: 'time',
            unit: 'ms',
            higherIsBetter: false,
            ours: ours ?? [],
            oursLabel: 'Kindling interpreter, Node worker_threads',
            peer: { name: 'qemu-system-riscv64 -M virt (TCG, OpenSBI)', values: qemu },
            note: 'from process spawn to the marker line on the serial console; 1 hart, 256 MiB, same kernel, initramfs and command line',
          },
        ]
      : [],
    skipped,
  };
  if (json) writeFileSync(json, JSON.stringify(output, null, 2));
}

await main();
