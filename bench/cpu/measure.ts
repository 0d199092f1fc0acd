/**
 * Process timing for the CPU benchmark: run one bare-metal ELF on our runner or on QEMU and
 * measure wall-clock time from spawn to exit.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface TimedRun {
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export function timeProcess(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, exitCode, stdout, stderr });
    });
  });
}

/** How a bare-metal ELF is started on one engine. */
export interface Engine {
  name: string;
  command: string;
  args(elf: string): string[];
}

/** Our runner with the interpreter alone ('off') or with the JIT (`npm run rv -- --jit MODE`). */
export function ourRunner(jit: 'off' | 'mixed' | 'always'): Engine {
  const label = jit === 'off' ? 'interpreter' : `JIT ${jit}`;
  return {
    name: `Kindling rv64 (WASM, ${label})`,
    command: process.execPath,
    args: (elf) => ['--import', 'tsx', 'cpu/runner/rv.ts', elf, '--insns-report', '--jit', jit],
  };
}

export const OUR_RUNNER: Engine = ourRunner('off');

export const QEMU: Engine = {
  name: 'qemu-system-riscv64 TCG',
  command: 'qemu-system-riscv64',
  args: (elf) => [
    ...['-M', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-smp', '1'],
    ...['-kernel', elf],
  ],
};

/** Instructions retired, from our runner's `--insns-report` line on stderr. */
export function parseInstructionCount(stderr: string): number | undefined {
  const match = /rv: (\d+) instructions in/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** Share of instructions run translated, from the runner's `rv: jit: N % translated` line. */
export function parseTranslatedShare(stderr: string): number | undefined {
  const match = /rv: jit: ([\d.]+) % translated/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** The program's own result line, e.g. "crc32 checksum 0x…". */
export function parseChecksum(stdout: string): string | undefined {
  return /checksum (0x[0-9a-f]+)/.exec(stdout)?.[1];
}

export async function isAvailable(command: string): Promise<boolean> {
  try {
    const run = await timeProcess(command, ['--version'], '.', 10_000);
    return run.exitCode === 0;
  } catch {
    return false;
  }
}
