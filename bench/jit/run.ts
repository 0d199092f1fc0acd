/**
 * JIT benchmark: `npx tsx bench/jit/run.ts [--runs N] [--json FILE]`.
 * Runs each CPU benchmark ELF (bench/cpu/elf) in-process on the interpreter alone and on the JIT
 * dispatcher in JIT-only mode (every block translated before it first runs), interleaved, and
 * reports MIPS = retired instructions / wall time of the run (translation time included).
 * Both engines must finish with the same outcome, UART output and instruction count.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { runOnEngine, type EngineResult } from '../../cpu/jit/harness/jit-bare-machine';
import { parseBenchArgs } from '../lib/args';
import type { BenchOutput, BenchResult } from '../lib/schema';
import { fmt, summarize } from '../lib/stats';

const BENCHMARKS = ['crc32', 'sort', 'intmix', 'matmul'] as const;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ELF_DIR = join(REPO, 'bench', 'cpu', 'elf');

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

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const runs = Math.max(args.runs, 1);
  const module = await WebAssembly.compile(cpuWasm());
  const now = (): number => performance.now();
  const results: BenchResult[] = [];
  for (const name of BENCHMARKS) {
    const elf = readFileSync(join(ELF_DIR, `${name}.elf`));
    const interp: number[] = [];
    const jit: number[] = [];
    let last: EngineResult | undefined;
    for (let i = 0; i < runs; i++) {
      const a = await runOnEngine(module, elf, 'interpreter', { now });
      const b = await runOnEngine(module, elf, 'jit', { now });
      checkSame(name, a, b);
      interp.push(Number(a.instret) / a.seconds / 1e6);
      jit.push(Number(b.instret) / b.seconds / 1e6);
      last = b;
    }
    const stats = last?.jit;
    const note =
      `${last?.instret} instructions; JIT-only: ${stats?.translatedInstructions} translated, ` +
      `${stats?.interpretedSteps} interpreted steps, ${stats?.blocksCompiled} blocks, ` +
      `${stats?.compileMs.toFixed(1)} ms compiling`;
    results.push({
      name: `${name} (JIT-only)`,
      metric: 'MIPS (wall clock, in-process)',
      unit: 'MIPS',
      higherIsBetter: true,
      oursLabel: 'Kindling JIT',
      ours: jit,
      peer: { name: 'Kindling interpreter', values: interp },
      note,
    });
    console.log(
      `${name.padEnd(8)} interpreter ${fmt(summarize(interp).median).padStart(8)} MIPS   ` +
        `JIT ${fmt(summarize(jit).median).padStart(8)} MIPS   (${note})`,
    );
  }
  const output: BenchOutput = { benchmark: 'jit', results };
  if (args.json) writeFileSync(args.json, JSON.stringify(output, null, 2));
}

await main();
