/**
 * A shell workload after boot: the guest's busybox shell forks and execs `/bin/true` in a loop
 * (≈ 1 M guest instructions per command: fork, exec, page faults, exit, wait). The code it runs
 * is lukewarm — the same each time, spread thin — which is where a JIT's hotness policy is
 * tested, not its loop code. Kindling in Node (interpreter alone and JIT mixed) vs QEMU TCG on
 * the same kernel, initramfs and command line, in the same run. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { hasCommand } from '../lib/commands';
import { writeFileSync } from 'node:fs';
import { parseBenchArgs } from '../lib/args';
import { unpackRiscv64Image } from '../lib/images';
import { ConsoleProcess } from '../lib/console-process';
import type { BenchOutput, BenchResult, BenchSkip } from '../lib/schema';

const MARKER = 'kindling: boot complete';
const COMMANDS = 200;
const LOOP = `i=0; while [ $i -lt ${COMMANDS} ]; do /bin/true; i=$((i+1)); done; echo loop-$i`;
const IDLE_BEFORE_MS = 1000;
const QEMU_NAME = 'qemu-system-riscv64 -M virt (TCG, OpenSBI)';

/** Milliseconds the loop takes, timed by the host from sending it to its last line. */
async function timeLoop(vm: ConsoleProcess): Promise<number> {
  try {
    await vm.shell.waitFor(MARKER, 180_000);
    await vm.shell.run('true', 60_000); // the shell is up and reading commands
    // A booted VM waits for its work: the guest idles at its prompt first, as before a user's
    // command (Kindling's mixed mode settles to its lower threshold there, cpu/jit/README.md).
    await new Promise((resolve) => setTimeout(resolve, IDLE_BEFORE_MS));
    const started = performance.now();
    const output = await vm.shell.run(LOOP, 300_000);
    const ms = performance.now() - started;
    if (!output.includes(`loop-${COMMANDS}`)) throw new Error(`the loop did not finish: ${output}`);
    return ms;
  } finally {
    vm.kill();
  }
}

function kindling(jit: 'off' | 'mixed', cmdline: string): ConsoleProcess {
  const args = ['--import', 'tsx', 'host/cli/vm.ts', '--mem', '256', '--cmdline', cmdline];
  return new ConsoleProcess(process.execPath, [...args, '--jit', jit]);
}

async function main(): Promise<void> {
  const { json, runs } = parseBenchArgs();
  const skipped: BenchSkip[] = [];
  const { image, files } = unpackRiscv64Image();
  const haveQemu = hasCommand('qemu-system-riscv64');
  if (!haveQemu)
    skipped.push({ name: QEMU_NAME, reason: 'not installed (Debian qemu-system-misc)' });
  spawnSync('npm', ['run', '--silent', 'build:cpu'], { stdio: 'inherit' });

  const interpreter: number[] = [];
  const mixed: number[] = [];
  const qemu: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that the machine's load drifts over all three alike.
    interpreter.push(await timeLoop(kindling('off', image.cmdline)));
    mixed.push(await timeLoop(kindling('mixed', image.cmdline)));
    if (haveQemu) {
      const args = ['-M', 'virt', '-m', '256M', '-smp', '1', '-bios', 'default', '-nographic'];
      args.push('-no-reboot', '-kernel', files.kernel!, '-initrd', files.initrd!);
      qemu.push(
        await timeLoop(
          new ConsoleProcess('qemu-system-riscv64', [...args, '-append', image.cmdline]),
        ),
      );
    }
    console.log(
      `run ${i + 1}: interpreter ${interpreter.at(-1)!.toFixed(0)} ms, mixed ${mixed.at(-1)!.toFixed(0)} ms${haveQemu ? `, QEMU ${qemu.at(-1)!.toFixed(0)} ms` : ''}`,
    );
  }
  const what = `${COMMANDS} × fork+exec of /bin/true in the guest's shell`;
  const note = `after boot and ${IDLE_BEFORE_MS} ms idle at the prompt, 1 hart, 256 MiB; timed by the host from sending the loop to its last line`;
  const results: BenchResult[] = [
    {
      name: `${what}: JIT mixed vs interpreter`,
      metric: 'time',
      unit: 'ms',
      higherIsBetter: false,
      ours: mixed,
      oursLabel: 'Kindling JIT mixed, Node',
      peer: { name: 'Kindling interpreter, Node', values: interpreter },
      note: `${note}; the same build with --jit mixed against --jit off`,
    },
    {
      name: `${what} vs QEMU`,
      metric: 'time',
      unit: 'ms',
      higherIsBetter: false,
      ours: mixed,
      oursLabel: 'Kindling JIT mixed, Node',
      ...(haveQemu && { peer: { name: QEMU_NAME, values: qemu } }),
      note: `${note}; same kernel, initramfs and command line`,
    },
  ];
  const output: BenchOutput = { benchmark: 'shell', results, skipped };
  if (json) writeFileSync(json, JSON.stringify(output, null, 2));
}

await main();
