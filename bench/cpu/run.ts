/**
 * CPU benchmark: `npx tsx bench/cpu/run.ts [--runs N] [--json out.json] [--only a,b]`.
 * Runs each bare-metal ELF in bench/cpu/elf on our runner (interpreter, JIT mixed, JIT always)
 * and on qemu-system-riscv64 (TCG), interleaved, N times each (5 by default); times every process from spawn to exit, subtracts each engine's
 * start-up (median time of elf/empty.elf) and turns the net time into instructions per second
 * using OUR instruction count (same deterministic ELF, same instructions on both engines).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOutput, BenchResult } from '../lib/schema';
import { fmt, summarize } from '../lib/stats';
import {
  isAvailable,
  ourRunner,
  parseChecksum,
  parseInstructionCount,
  parseTranslatedShare,
  QEMU,
  timeProcess,
  type Engine,
  type TimedRun,
} from './measure';

const BENCHMARKS = ['crc32', 'sort', 'intmix', 'matmul'] as const;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN_TIMEOUT_MS = 60_000;
/** A run whose net time is below this share of its raw time drowned in start-up noise. */
const MIN_NET_SHARE = 0.1;

interface Args {
  runs: number;
  json: string | undefined;
  only: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 5, json: undefined, only: [...BENCHMARKS] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    // Fewer than 5 runs only for a quick check that everything works (bench/run.ts asks ≥ 5).
    if (arg === '--runs' && value) args.runs = Math.max(1, Number(value) || 5);
    else if (arg === '--json' && value) args.json = value;
    else if (arg === '--only' && value) args.only = value.split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg}; use --runs N, --json FILE, --only a,b`);
    i++;
  }
  const unknown = args.only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}`);
  return args;
}

function elfPath(name: string): string {
  return relative(REPO, join(REPO, 'bench', 'cpu', 'elf', `${name}.elf`));
}

/** Runs one ELF once; throws with the engine's output when it does not pass. */
async function runChecked(engine: Engine, name: string): Promise<TimedRun> {
  const run = await timeProcess(engine.command, engine.args(elfPath(name)), REPO, RUN_TIMEOUT_MS);
  if (run.exitCode !== 0 || !run.stdout.includes('PASS')) {
    throw new Error(
      `${name} on ${engine.name} exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`.trim(),
    );
  }
  return run;
}

async function startupMs(engine: Engine, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await runChecked(engine, 'empty')).ms);
  return times;
}

/** Our three engines, each measured against the same QEMU runs. */
const OURS = [
  { jit: 'off', engine: ourRunner('off') },
  { jit: 'mixed', engine: ourRunner('mixed') },
  { jit: 'always', engine: ourRunner('always') },
] as const;

interface Measured {
  name: string;
  instructions: number;
  /** Raw ms per run, per entry of OURS. */
  oursRawMs: number[][];
  /** Share of instructions run translated, per JIT entry of OURS (last run). */
  translatedShare: (number | undefined)[];
  peerRawMs: number[];
}

async function measure(name: string, runs: number, withQemu: boolean): Promise<Measured> {
  const m: Measured = {
    name,
    instructions: 0,
    oursRawMs: OURS.map(() => []),
    translatedShare: OURS.map(() => undefined),
    peerRawMs: [],
  };
  const counts = new Set<number>();
  for (let i = 0; i < runs; i++) {
    let checksum: string | undefined;
    for (const [k, { jit, engine }] of OURS.entries()) {
      const ours = await runChecked(engine, name);
      const count = parseInstructionCount(ours.stderr);
      if (count === undefined)
        throw new Error(`no instruction count from our runner:\n${ours.stderr}`);
      // The interpreter's count is the reference; the JIT must compute the same result.
      if (jit === 'off') counts.add(count);
      if (checksum !== undefined && parseChecksum(ours.stdout) !== checksum) {
        throw new Error(`${name}: ${engine.name} checksum differs from the interpreter's`);
      }
      checksum ??= parseChecksum(ours.stdout);
      m.oursRawMs[k]!.push(ours.ms);
      m.translatedShare[k] = parseTranslatedShare(ours.stderr);
    }
    if (withQemu) {
      const peer = await runChecked(QEMU, name);
      if (parseChecksum(peer.stdout) !== checksum) {
        throw new Error(`${name}: checksums differ (ours ${checksum} / QEMU ${peer.stdout})`);
      }
      m.peerRawMs.push(peer.ms);
    }
  }
  if (counts.size !== 1) throw new Error(`${name}: instruction count varies: ${[...counts]}`);
  m.instructions = [...counts][0]!;
  return m;
}

/** MIPS per run; runs whose net time is mostly start-up noise are left out (and counted). */
function mips(instructions: number, rawMs: readonly number[], startup: number) {
  const kept = rawMs.filter((ms) => ms - startup >= ms * MIN_NET_SHARE);
  const values = kept.map((ms) => instructions / ((ms - startup) / 1000) / 1e6);
  return { values, dropped: rawMs.length - kept.length };
}

function row(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(24))).join(' ');
}

function range(values: readonly number[]): string {
  if (values.length === 0) return '—';
  const s = summarize(values);
  return `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  for (const name of ['empty', ...args.only]) {
    if (!existsSync(join(REPO, elfPath(name)))) {
      throw new Error(`${elfPath(name)} is missing: run bench/cpu/build.sh`);
    }
  }
  const withQemu = await isAvailable(QEMU.command);
  if (!withQemu) console.log(`${QEMU.command} not found: measuring our runner only`);

  // Each engine's own start-up (the JIT modes load the translator too).
  const oursStart: number[] = [];
  for (const { engine } of OURS) {
    oursStart.push(summarize(await startupMs(engine, args.runs)).median);
  }
  const peerStart = withQemu ? summarize(await startupMs(QEMU, args.runs)).median : 0;
  console.log(
    `start-up (empty program, median of ${args.runs}): ` +
      OURS.map(({ jit }, k) => `${jit} ${fmt(oursStart[k]!)} ms`).join(', ') +
      (withQemu ? `, QEMU ${fmt(peerStart)} ms` : ''),
  );

  const results: BenchResult[] = [];
  console.log(
    row(['bench', 'ours raw ms min/med/max', 'ours MIPS', 'QEMU raw ms', 'QEMU MIPS', 'ours/QEMU']),
  );
  for (const name of args.only) {
    const m = await measure(name, args.runs, withQemu);
    const peerMips = mips(m.instructions, m.peerRawMs, peerStart);
    const peer = withQemu ? peerMips.values : [];
    for (const [k, { jit, engine }] of OURS.entries()) {
      const oursMips = mips(m.instructions, m.oursRawMs[k]!, oursStart[k]!);
      const ours = oursMips.values;
      const dropped = oursMips.dropped + (withQemu ? peerMips.dropped : 0);
      const label = `${name} (${jit === 'off' ? 'interp' : `jit ${jit}`})`;
      if (dropped)
        console.log(`${label}: ${dropped} run(s) left out: net time within start-up noise`);
      const ratio =
        withQemu && ours.length && peer.length
          ? summarize(ours).median / summarize(peer).median
          : NaN;
      console.log(
        row([
          label,
          range(m.oursRawMs[k]!),
          range(ours),
          withQemu ? range(m.peerRawMs) : '—',
          withQemu ? range(peer) : '—',
          withQemu ? fmt(ratio) : '—',
        ]),
      );
      const share = m.translatedShare[k];
      results.push({
        name: jit === 'off' ? name : `${name} (JIT ${jit})`,
        metric: 'MIPS',
        unit: 'MIPS',
        higherIsBetter: true,
        oursLabel: engine.name,
        ours,
        ...(withQemu && { peer: { name: QEMU.name, values: peer } }),
        note:
          `${m.instructions} instructions (the interpreter's count, used for every engine); ` +
          `wall-clock per process minus start-up of an empty program (ours ${fmt(oursStart[k]!)} ms, ` +
          `QEMU ${fmt(peerStart)} ms)` +
          (share !== undefined ? `; ${fmt(share)} % of instructions ran translated` : '') +
          `. Raw ms ours [${m.oursRawMs[k]!.map(fmt).join(', ')}]` +
          (withQemu ? `, QEMU [${m.peerRawMs.map(fmt).join(', ')}]` : '') +
          (dropped ? `; ${dropped} run(s) left out (net time < 10% of raw)` : ''),
      });
    }
  }
  if (args.json) {
    const output: BenchOutput = {
      benchmark: 'cpu',
      results,
      ...(!withQemu && { skipped: [{ name: 'qemu peer', reason: `${QEMU.command} not found` }] }),
    };
    writeFileSync(args.json, `${JSON.stringify(output, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
