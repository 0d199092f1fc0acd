/** The two options every benchmark script takes from bench/run.ts: `--json FILE` and `--runs N`. */
export interface BenchArgs {
  json: string | undefined;
  runs: number;
}

export function parseBenchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  let json: string | undefined;
  let runs = 5;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = argv[++i];
    else if (argv[i] === '--runs') runs = Math.max(1, Number(argv[++i]) || 5);
  }
  return { json, runs };
}
