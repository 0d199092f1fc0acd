/**
 * JIT benchmark: `npx tsx bench/jit/run.ts [--runs N] [--json FILE] [--threshold N]`.
 * Runs each CPU benchmark ELF (bench/cpu/elf) in-process on the interpreter alone, on the JIT in
 * JIT-only mode (every block translated before it first runs) and in mixed mode (translated once
 * hot), interleaved, and qemu-system-riscv64 (TCG) on the same ELF in the same run when it is
 * installed. MIPS = retired instructions / wall time (translation time included); QEMU's MIPS
 * use our instruction count over its wall time minus the start-up of an empty program (as
 * bench/cpu does). All our engines must finish with the same outcome, UART output and count.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { runOnEngine, type EngineResult } from '../../cpu/jit/harness/jit-bare-machine';
import { DEFAULT_JIT_THRESHOLD } from '../../cpu/jit/hart-runner';
import { isAvailable, QEMU, timeProcess } from '../cpu/measure';
import { parseBenchArgs } from '../lib/args';
import type { BenchOutput, BenchResult } from '../lib/schema';
import { fmt, summarize } from '../lib/stats';

const BENCHMARKS = ['crc32', 'sort', 'intmix', 'matmul'] as const;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ELF_DIR = join(REPO, 'bench', 'cpu', 'elf');
const QEMU_TIMEOUT_MS = 120_000;

/** cpu/build/rv64.wasm, rebuilt first if stale (the build script skips fresh outputs). */
function cpuWasm(): Uint8Array<ArrayBuffer> {
  execFileSync(process.execPath, ['--import', 'tsx', 'cpu/build-wasm.ts'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  return new Uint8Array(readFileSync(join(REPO, 'cpu', 'build', 'rv64.wasm')));
}

function checkSame(name: string, a: EngineResult, b: EngineResult): void {
  if (
    a.outcome !== 'pass' ||
    a.outcome !== b.outcome ||
    a.output !== b.output ||
    a.instret !== b.instret
  ) {
    throw new Error(
      `${name}: engines disagree (interpreter ${a.outcome} ${a.instret} / JIT ${b.outcome} ${b.instret})`,
    );
  }
}

/** Wall milliseconds of QEMU on `elf` (checked to pass: exit code 0). */
async function qemuMs(elf: string): Promise<number> {
  const run = await timeProcess(QEMU.command, QEMU.args(elf), REPO, QEMU_TIMEOUT_MS);
  if (run.exitCode !== 0) throw new Error(`QEMU failed on ${elf}: ${run.stderr}`);
  return run.ms;
}

function thresholdArg(): number {
  const i = process.argv.indexOf('--threshold');
  return i > 0 ? Number(process.argv[i + 1]) : DEFAULT_JIT_THRESHOLD;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const runs = Math.max(args.runs, 1);
  const threshold = thresholdArg();
  const module = await WebAssembly.compile(cpuWasm());
  const now = (): number => performance.now();
  const withQemu = await isAvailable(QEMU.command);
  if (!withQemu) console.log(`${QEMU.command} not found: measuring our engines only`);
  const startup: number[] = [];
  if (withQemu) {
    for (let i = 0; i < runs; i++) startup.push(await qemuMs(join(ELF_DIR, 'empty.elf')));
  }
  const qemuStart = startup.length > 0 ? summarize(startup).median : 0;
  const results: BenchResult[] = [];
  const table: string[] = [];
  for (const name of BENCHMARKS) {
    const elfPath = join(ELF_DIR, `${name}.elf`);
    const elf = readFileSync(elfPath);
    const mips = { interp: [] as number[], always: [] as number[], mixed: [] as number[] };
    const qemu: number[] = [];
    let last: EngineResult | undefined;
    let instret = 0;
    for (let i = 0; i < runs; i++) {
      const a = await runOnEngine(module, elf, 'interpreter', { now });
      const b = await runOnEngine(module, elf, 'jit', { now });
      const c = await runOnEngine(module, elf, 'jit', { now, threshold });
      checkSame(name, a, b);
      checkSame(name, a, c);
      instret = Number(a.instret);
      mips.interp.push(instret / a.seconds / 1e6);
      mips.always.push(instret / b.seconds / 1e6);
      mips.mixed.push(instret / c.seconds / 1e6);
      if (withQemu) qemu.push(instret / ((await qemuMs(elfPath)) - qemuStart) / 1e3);
      last = b;
    }
    const stats = last?.jit;
    const note =
      `${instret} instructions; JIT-only: ${stats?.translatedInstructions} translated, ` +
      `${stats?.interpretedSteps} interpreted, ${stats?.regionsCompiled} regions ` +
      `(${stats?.blocksCompiled} blocks) compiled in ${stats?.compileMs.toFixed(1)} ms; ` +
      `mixed threshold ${threshold}`;
    const med = (v: number[]): number => summarize(v).median;
    const ratio = (v: number[]): string => (withQemu ? `${(med(v) / med(qemu)).toFixed(2)}x` : '-');
    for (const [label, values] of [
      ['JIT-only', mips.always],
      ['JIT mixed', mips.mixed],
    ] as const) {
      results.push({
        name: `${name} (${label})`,
        metric: 'MIPS (wall clock, in-process)',
        unit: 'MIPS',
        higherIsBetter: true,
        oursLabel: `Kindling ${label}`,
        ours: values,
        peer: withQemu
          ? { name: QEMU.name, values: qemu }
          : { name: 'Kindling interpreter', values: mips.interp },
        note,
      });
    }
    table.push(
      `${name.padEnd(8)} interp ${fmt(med(mips.interp)).padStart(7)}  JIT-only ${fmt(med(mips.always)).padStart(7)}` +
        ` (${ratio(mips.always)})  mixed ${fmt(med(mips.mixed)).padStart(7)} (${ratio(mips.mixed)})` +
        (withQemu ? `  QEMU ${fmt(med(qemu)).padStart(7)}` : '') +
        `  interp/QEMU ${ratio(mips.interp)}`,
    );
    console.log(table[table.length - 1] + `\n         ${note}`);
  }
  console.log(
    `\nMIPS (median of ${runs}); ratios are to QEMU TCG (start-up ${fmt(qemuStart)} ms removed)`,
  );
  for (const line of table) console.log(line);
  const output: BenchOutput = { benchmark: 'jit', results };
  if (args.json) writeFileSync(args.json, JSON.stringify(output, null, 2));
}

await main();
