/**
 * virtio-blk throughput inside the guest (`dd`, sequential, 1 MiB blocks) and the VMM's CPU use
 * while the guest idles at its shell: Kindling in Node vs QEMU TCG, same kernel, initramfs, disk
 * size and command line, in the same run. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { hasCommand } from '../lib/commands';
import { mkdtempSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from '../lib/args';
import { unpackRiscv64Image } from '../lib/images';
import { ConsoleProcess } from '../lib/console-process';
import type { BenchOutput, BenchResult, BenchSkip } from '../lib/schema';

const MARKER = 'kindling: boot complete';
const DISK_MIB = 16;
const IDLE_SECONDS = 5;

interface Sample {
  readMBs: number;
  writeMBs: number;
  idleCorePercent: number;
}

/** MiB/s of a dd command, timed by the host from sending it to its completion marker (this
 *  busybox's dd prints no rate); `dd` must report all records copied. */
async function timedDd(vm: ConsoleProcess, command: string): Promise<number> {
  const started = performance.now();
  const output = await vm.shell.run(`${command} 2>&1`, 300_000);
  const seconds = (performance.now() - started) / 1000;
  if (!output.includes(`${DISK_MIB}+0 records out`))
    throw new Error(`dd did not complete: ${output}`);
  return DISK_MIB / seconds;
}

async function measure(vm: ConsoleProcess): Promise<Sample> {
  try {
    await vm.shell.waitFor(MARKER, 180_000);
    await vm.shell.run('true', 60_000); // the shell is up and reading commands
    // Read first (cold: nothing of /dev/vda is cached yet), then write with an fsync at the end.
    const readMBs = await timedDd(vm, `dd if=/dev/vda of=/dev/null bs=1M count=${DISK_MIB}`);
    const writeMBs = await timedDd(
      vm,
      `dd if=/dev/zero of=/dev/vda bs=1M count=${DISK_MIB} conv=fsync`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = vm.cpuSeconds();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = (vm.cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
    return { readMBs, writeMBs, idleCorePercent: idle * 100 };
  } finally {
    vm.kill();
  }
}

function scratchDisk(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kindling-io-')), 'disk.raw');
  writeFileSync(path, '');
  truncateSync(path, DISK_MIB * 1024 * 1024);
  return path;
}

async function main(): Promise<void> {
  const { json, runs } = parseBenchArgs();
  const skipped: BenchSkip[] = [];
  const { image, files } = unpackRiscv64Image();
  const haveQemu = hasCommand('qemu-system-riscv64');
  if (!haveQemu)
    skipped.push({
      name: 'qemu-system-riscv64',
      reason: 'not installed (Debian qemu-system-misc)',
    });
  spawnSync('npm', ['run', '--silent', 'build:cpu'], { stdio: 'inherit' });

  const ours: Sample[] = [];
  const qemu: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const disk = scratchDisk();
    ours.push(
      await measure(
        new ConsoleProcess(process.execPath, [
          '--import',
          'tsx',
          'host/cli/vm.ts',
          '--mem',
          '256',
          '--cmdline',
          image.cmdline,
          '--drive',
          disk,
        ]),
      ),
    );
    console.log(`Kindling run ${i + 1}: ${JSON.stringify(ours.at(-1))}`);
    if (haveQemu) {
      const qdisk = scratchDisk();
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
      args.push(
        '-drive',
        `file=${qdisk},if=none,format=raw,id=d0`,
        '-device',
        'virtio-blk-device,drive=d0',
      );
      qemu.push(await measure(new ConsoleProcess('qemu-system-riscv64', args)));
      console.log(`QEMU run ${i + 1}: ${JSON.stringify(qemu.at(-1))}`);
    }
  }
  const peer = (pick: (s: Sample) => number) =>
    haveQemu ? { peer: { name: 'qemu-system-riscv64 -M virt (TCG)', values: qemu.map(pick) } } : {};
  const results: BenchResult[] = [
    {
      name: `dd read ${DISK_MIB} MiB from virtio-blk`,
      metric: 'throughput',
      unit: 'MB/s',
      higherIsBetter: true,
      ours: ours.map((s) => s.readMBs),
      ...peer((s) => s.readMBs),
      note: 'busybox dd if=/dev/vda bs=1M, cold; host file backend; timed by the host from command to completion',
    },
    {
      name: `dd write ${DISK_MIB} MiB to virtio-blk`,
      metric: 'throughput',
      unit: 'MB/s',
      higherIsBetter: true,
      ours: ours.map((s) => s.writeMBs),
      ...peer((s) => s.writeMBs),
      note: 'busybox dd of=/dev/vda bs=1M conv=fsync; timed by the host from command to completion',
    },
    {
      name: 'VMM CPU while the guest idles',
      metric: 'cpu',
      unit: '% of a core',
      higherIsBetter: false,
      ours: ours.map((s) => s.idleCorePercent),
      ...peer((s) => s.idleCorePercent),
      note: `process CPU time (all threads) over ${IDLE_SECONDS} s at the shell prompt`,
    },
  ];
  const output: BenchOutput = { benchmark: 'io', results, skipped };
  if (json) writeFileSync(json, JSON.stringify(output, null, 2));
}

await main();
