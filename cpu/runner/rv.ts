// CLI: run a bare-metal RISC-V ELF on the WASM CPU.
//   npm run rv -- program.elf [--max-insns N] [--mem MiB] [--trace [N]] [--insns-report]
// Exit: 0 pass; the finisher's code on fail; 2 bad usage/ELF; 3 reset; 124 instruction limit;
// 125 trap loop; 126 CPU fatal. Messages go to stderr; UART output to stdout.
import { readFileSync } from 'node:fs';
import { runBareMetal, EXIT_CODE } from './bare-machine';
import { ElfError } from '../elf';

interface Args {
  file: string;
  maxInsns?: number;
  ramMiB?: number;
  traceSteps?: number;
  report: boolean;
}

const USAGE = 'usage: rv program.elf [--max-insns N] [--mem MiB] [--trace [N]] [--insns-report]';

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
    if (arg === '--max-insns' || arg === '--mem') {
      const n = positive(next);
      if (n === undefined) return `${arg} needs a positive integer`;
      if (arg === '--mem') args.ramMiB = n;
      else args.maxInsns = n;
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
      onOutput: (text) => process.stdout.write(text),
      onTrace: (line) => process.stderr.write(`${line}\n`),
    });
    if (result.message) process.stderr.write(`rv: ${result.message}\n`);
    if (args.report) {
      const mips = Number(result.instructions) / result.seconds / 1e6;
      process.stderr.write(
        `rv: ${result.instructions} instructions in ${result.seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS)\n`,
      );
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

process.exitCode = await main();
