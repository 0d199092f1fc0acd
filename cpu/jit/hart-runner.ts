// The switch between the interpreter and the JIT for a vCPU worker. 'off' (the default) is
// exactly cpu.run(); 'always' translates every block before it first runs; 'mixed' lets the
// interpreter run cold code in batches and translates a block once the interpreter jumped or
// branched to it `threshold` times (cpu/jit/README.md).
import type { CpuExports } from '../loader';
import { JitHart, type JitStats } from './jit-hart';

export type JitMode = 'off' | 'mixed' | 'always';

/** Mixed mode: taken branches and jumps to a block start the interpreter counts before it is
 * translated. High because translating costs about what it saves on the Linux boot's broad code
 * (at 5 000 the Chromium boot took ≈ 1.2× as long as at 20 000; cpu/jit/README.md). */
export const DEFAULT_JIT_THRESHOLD = 20000;

export interface HartRunner {
  /** Runs up to about `budget` instructions; returns an EXIT_* reason (cpu/layout/exit-reasons). */
  run(budget: number): number;
  /** JIT statistics, undefined when the JIT is off. */
  readonly stats: JitStats | undefined;
  /** Drop translations (after a snapshot restore rewrote guest RAM). */
  flush(): void;
}

export interface HartRunnerOptions {
  mode?: JitMode;
  threshold?: number;
  now?: () => number;
}

export function createHartRunner(
  cpu: CpuExports,
  memory: WebAssembly.Memory,
  hart: number,
  options: HartRunnerOptions = {},
): HartRunner {
  const mode = options.mode ?? 'off';
  if (mode === 'off') {
    return { run: (budget) => cpu.run(hart, budget), stats: undefined, flush: () => {} };
  }
  const threshold = mode === 'always' ? 0 : Math.max(1, options.threshold ?? DEFAULT_JIT_THRESHOLD);
  const jitOptions = options.now ? { threshold, now: options.now } : { threshold };
  const jit = new JitHart(cpu, memory, hart, jitOptions);
  return {
    run: (budget) => jit.run(budget),
    get stats() {
      return jit.stats;
    },
    flush: () => jit.flush(),
  };
}
