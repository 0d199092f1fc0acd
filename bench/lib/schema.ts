/**
 * What every benchmark script writes with `--json FILE`, and what bench/run.ts merges into
 * bench/results/latest.json. One result = one figure measured ≥ 5 times for us and, where a peer
 * exists, for the peer in the same run.
 */
export interface BenchResult {
  name: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  /** Label for our side when a benchmark compares variants (e.g. "Kindling interpreter"). */
  oursLabel?: string;
  ours: number[];
  peer?: { name: string; values: number[] };
  /** Free-form context shown under the figure (method, instruction counts, …). */
  note?: string;
}

export interface BenchSkip {
  name: string;
  reason: string;
}

export interface BenchOutput {
  benchmark: string;
  results: BenchResult[];
  skipped?: BenchSkip[];
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  qemuRiscv64: string | null;
  qemuX86_64: string | null;
  kvm: string;
  /** 1-minute load average when the run started: figures from a busy machine say so. */
  loadAverage?: number;
}

export interface BenchRun {
  startedAt: string;
  durationS: number;
  machine: MachineFacts;
  benchmarks: (BenchOutput & { durationS: number; skippedWhole?: string })[];
}
