/**
 * `npm run bench [-- --only NAME[,NAME]] [-- --runs N]`: runs every benchmark that is present, each
 * as its own process writing JSON (schema in lib/schema.ts), then writes bench/results/latest.json,
 * bench/results/REPORT.md and one SVG chart per benchmark. A benchmark that is missing or cannot run
 * here is listed in the report with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './lib/chart';
import { machineFacts } from './lib/machine';
import { renderReport } from './lib/report';
import type { BenchOutput, BenchRun } from './lib/schema';

interface BenchmarkEntry {
  id: string;
  script: string;
  what: string;
  /** Hard limit for this benchmark's process, so the whole run stays within 20 minutes. */
  timeoutS: number;
}

const BENCHMARKS: BenchmarkEntry[] = [
  {
    id: 'cpu',
    script: 'bench/cpu/run.ts',
    what: 'RV64 instructions per second vs QEMU TCG',
    timeoutS: 300,
  },
  {
    id: 'boot',
    script: 'bench/boot/run.ts',
    what: 'boot to the shell marker vs QEMU and v86',
    timeoutS: 420,
  },
  {
    id: 'core',
    script: 'bench/core/virtqueue.ts',
    what: 'virtqueue round trips (blk 4 KiB)',
    timeoutS: 120,
  },
  {
    id: 'jit',
    script: 'bench/jit/run.ts',
    what: 'interpreter vs JIT-only and mixed on the CPU benchmark ELFs, in-process, against QEMU',
    timeoutS: 300,
  },
  {
    id: 'host',
    script: 'bench/host/run.ts',
    what: 'host daemon: API ready, memory per VM, start rate, restore',
    timeoutS: 480,
  },
  {
    id: 'io',
    script: 'bench/io/run.ts',
    what: 'dd on virtio-blk in the guest; idle VMM CPU',
    timeoutS: 240,
  },
  {
    id: 'shell',
    script: 'bench/shell/run.ts',
    what: 'a fork+exec loop in the guest shell: interpreter vs JIT mixed vs QEMU',
    timeoutS: 420,
  },
];

function parseArgs(argv: string[]): {
  only: Set<string> | null;
  runs: number;
  renderOnly: boolean;
} {
  let only: Set<string> | null = null;
  let runs = 5;
  let renderOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--render-only') renderOnly = true;
    else if (arg === '--only') only = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '--runs') runs = Math.max(5, Number(argv[++i]));
    else
      throw new Error(
        `unknown argument ${arg}; use --only NAME[,NAME], --runs N (≥ 5) or --render-only`,
      );
  }
  if (only) {
    const unknown = [...only].filter((id) => !BENCHMARKS.some((b) => b.id === id));
    if (unknown.length)
      throw new Error(
        `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`,
      );
  }
  return { only, runs, renderOnly };
}

function runOne(
  entry: BenchmarkEntry,
  runs: number,
  tmpDir: string,
): BenchRun['benchmarks'][number] {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  if (!existsSync(entry.script)) {
    return {
      benchmark: entry.id,
      results: [],
      durationS: 0,
      skippedWhole: `${entry.script} is not written yet (${entry.what})`,
    };
  }
  const out = join(tmpDir, `${entry.id}.json`);
  console.log(`\n━━ ${entry.id}: ${entry.what}`);
  const child = spawnSync('npx', ['tsx', entry.script, '--json', out, '--runs', String(runs)], {
    stdio: 'inherit',
    timeout: entry.timeoutS * 1000,
  });
  if (child.error || child.status !== 0 || !existsSync(out)) {
    const why = child.error ? String(child.error.message) : `exit code ${child.status}`;
    return {
      benchmark: entry.id,
      results: [],
      durationS: seconds(),
      skippedWhole: `did not complete (${why}); see the console log of the run`,
    };
  }
  const output = JSON.parse(readFileSync(out, 'utf8')) as BenchOutput;
  return { ...output, benchmark: entry.id, durationS: seconds() };
}

function writeReport(resultsDir: string, run: BenchRun): void {
  const chartFile = (id: string) => `${id}.svg`;
  for (const b of run.benchmarks) {
    if (b.results.length) writeFileSync(join(resultsDir, chartFile(b.benchmark)), renderChart(b));
  }
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(run, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'REPORT.md'), renderReport(run, chartFile) + '\n');
}

function main(): void {
  const { only, runs, renderOnly } = parseArgs(process.argv.slice(2));
  const resultsDir = 'bench/results';
  if (renderOnly) {
    // Re-render REPORT.md and the charts from latest.json (after a change to the report's layout).
    writeReport(
      resultsDir,
      JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as BenchRun,
    );
    console.log(`bench: re-rendered ${resultsDir}/REPORT.md from latest.json`);
    return;
  }
  const tmpDir = join(resultsDir, '.tmp');
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const started = Date.now();
  const run: BenchRun = {
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    machine: machineFacts(),
    benchmarks: BENCHMARKS.filter((b) => !only || only.has(b.id)).map((b) =>
      runOne(b, runs, tmpDir),
    ),
  };
  // `--only` refreshes some benchmarks and keeps the others' last figures from latest.json.
  const previousPath = join(resultsDir, 'latest.json');
  if (only && existsSync(previousPath)) {
    const previous = JSON.parse(readFileSync(previousPath, 'utf8')) as BenchRun;
    const kept = previous.benchmarks.filter((b) => !only.has(b.benchmark));
    run.benchmarks = BENCHMARKS.map(
      (e) =>
        run.benchmarks.find((b) => b.benchmark === e.id) ?? kept.find((b) => b.benchmark === e.id),
    ).filter((b): b is BenchRun['benchmarks'][number] => b !== undefined);
  }
  run.durationS = (Date.now() - started) / 1000;
  writeReport(resultsDir, run);
  rmSync(tmpDir, { recursive: true, force: true });
  console.log(
    `\nbench: wrote ${resultsDir}/REPORT.md and latest.json in ${run.durationS.toFixed(0)} s`,
  );
  for (const b of run.benchmarks) {
    console.log(
      `  ${b.benchmark}: ${b.skippedWhole ? `skipped — ${b.skippedWhole}` : `${b.results.length} figures`}`,
    );
  }
}

main();
