// CLI: run a bare-metal RISC-V ELF on the WASM CPU.
//   npm run rv -- program.elf [--max-insns N] [--mem MiB] [--trace [N]] [--insns-report]
//                             [--jit off|mixed|always] [--jit-threshold N]
// Exit: 0 pass; the finisher's code on fail; 2 bad usage/ELF; 3 reset; 124 instruction limit;
// 125 trap loop; 126 CPU fatal. Messages go to stderr; UART output to stdout.
import { readFileSync } from 'node:fs';
import { runBareMetal, EXIT_CODE } from './bare-machine';
import { ElfError } from '../elf';
import type { JitMode } from '../jit/hart-runner';
import type { JitStats } from '../jit/jit-hart';

const JIT_MODES: readonly string[] = ['off', 'mixed', 'always'];

interface Args {
  file: string;
  maxInsns?: number;
  ramMiB?: number;
  traceSteps?: number;
  report: boolean;
  jit?: JitMode;
  jitThreshold?: number;
}

const USAGE =
  'usage: rv program.elf [--max-insns N] [--mem MiB] [--trace [N]] [--insns-report]\n' +
  '                      [--jit off|mixed|always] [--jit-threshold N]';

function parseArgs(argv: string[]): Args | string {
  let file: string | undefined;
  const args: Omit<Args, 'file'> = { report: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const positive = (value: string | undefined): number | undefined => {
      const n = Number(value);
      return value !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
    };
    if (arg === '--max-insns' || arg === '--mem' || arg === '--jit-threshold') {
      const n = positive(next);
      if (n === undefined) return `${arg} needs a positive integer`;
      if (arg === '--mem') args.ramMiB = n;
      else if (arg === '--jit-threshold') args.jitThreshold = n;
      else args.maxInsns = n;
      i++;
    } else if (arg === '--jit') {
      if (next === undefined || !JIT_MODES.includes(next))
        return '--jit needs off, mixed or always';
      args.jit = next as JitMode;
      i++;
    } else if (arg === '--trace') {
      const n = positive(next);
      args.traceSteps = n ?? 10_000;
      if (n !== undefined) i++;
    } else if (arg === '--insns-report') {
      args.report = true;
    } else if (arg.startsWith('-') || file !== undefined) {
      return `unexpected argument ${arg}`;
    } else {
      file = arg;
    }
  }
  return file === undefined ? 'missing program.elf' : { file, ...args };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`rv: ${args}\n${USAGE}\n`);
    return EXIT_CODE.badElf;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(args.file);
  } catch (error) {
    process.stderr.write(`rv: cannot read ${args.file}: ${(error as Error).message}\n`);
    return EXIT_CODE.badElf;
  }
  try {
    const result = await runBareMetal(bytes, {
      ...(args.ramMiB !== undefined && { ramMiB: args.ramMiB }),
      ...(args.maxInsns !== undefined && { maxInsns: args.maxInsns }),
      ...(args.traceSteps !== undefined && { traceSteps: args.traceSteps }),
      ...(args.jit !== undefined && { jit: args.jit }),
      ...(args.jitThreshold !== undefined && { jitThreshold: args.jitThreshold }),
      onOutput: (text) => process.stdout.write(text),
      onTrace: (line) => process.stderr.write(`${line}\n`),
    });
    if (result.message) process.stderr.write(`rv: ${result.message}\n`);
    if (args.report) {
      const mips = Number(result.instructions) / result.seconds / 1e6;
      process.stderr.write(
        `rv: ${result.instructions} instructions in ${result.seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS)\n`,
      );
      if (result.jit) process.stderr.write(`rv: ${describeJit(result.jit)}\n`);
    }
    return result.exitCode;
  } catch (error) {
    if (error instanceof ElfError) {
      process.stderr.write(`rv: ${args.file}: ${error.message}\n`);
      return EXIT_CODE.badElf;
    }
    throw error;
  }
}

/** One line for --insns-report: how much ran translated and what translating cost. */
function describeJit(stats: JitStats): string {
  const total = stats.translatedInstructions + stats.interpretedSteps;
  const share = total > 0 ? (100 * stats.translatedInstructions) / total : 0;
  return (
    `jit: ${share.toFixed(1)} % translated, ${stats.blocksCompiled} blocks in ` +
    `${stats.regionsCompiled} regions in ${stats.modulesCompiled} modules (${stats.wasmBytes} bytes), compile ${stats.compileMs.toFixed(0)} ms, ` +
    `${stats.blockRuns} block runs, ${stats.invalidatedPages} invalidated pages, ${stats.flushes} flushes`
  );
}

process.exitCode = await main();
