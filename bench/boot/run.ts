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

async function main(): Promise<void> {
  const { json, runs } = parseBenchArgs();
  const skipped: BenchSkip[] = [];
  const qemu = await qemuRiscv64(runs, skipped);
  if (qemu)
    console.log(
      `qemu-system-riscv64 TCG boot to marker (ms): ${qemu.map((v) => v.toFixed(0)).join(' ')}`,
    );

  // Our machine: Node worker_threads and Chromium workers (issue 7).
  const nodeMachine = 'workers/node/boot-to-marker.ts';
  if (!existsSync(nodeMachine)) {
    skipped.push({
      name: 'Kindling (Node)',
      reason: `${nodeMachine} does not exist yet: the riscv64 machine does not boot Linux yet`,
    });
  }
  skipped.push({
    name: 'Kindling (Chromium) and v86',
    reason:
      'the browser machine does not boot Linux yet; v86 needs the i386 peer image, which images/ has not built',
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
            ours: [],
            peer: { name: 'qemu-system-riscv64 -M virt (TCG, OpenSBI)', values: qemu },
            note: 'from process spawn to the marker line on the serial console',
          },
        ]
      : [],
    skipped,
  };
  if (json) writeFileSync(json, JSON.stringify(output, null, 2));
}

await main();
