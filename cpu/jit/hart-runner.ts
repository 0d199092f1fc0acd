// The switch between the interpreter and the JIT for a vCPU worker. 'off' (the default) is
// exactly cpu.run(); 'always' translates every block before it first runs; 'mixed' lets the
// interpreter run cold code in batches and translates a block once the interpreter ran
// `threshold` instructions from it, at a high enough rate (cpu/jit/README.md).
import type { CpuExports } from '../loader';
import { JitHart, type JitStats } from './jit-hart';

export type JitMode = 'off' | 'mixed' | 'always';

/** Mixed mode: instructions the interpreter runs from a branch or jump target (up to the next
 * taken one) before the block there is translated — and with the heat table's leak
 * (jit-hart.ts), only while that code takes a share of the interpreter's time. The Linux boot
 * then compiles ≈ 35 regions that run ≈ 19 M of its 42 M instructions; counting visits instead
 * (20 000 of them) compiled ≈ 23 that ran ≈ 7 M (cpu/jit/README.md, Hotness). */
export const DEFAULT_JIT_THRESHOLD = 32_000;

/** Mixed mode with the default threshold: once the whole guest has been idle (every hart in WFI,
 * one asleep ≥ SETTLE_IDLE_MS: at its shell prompt, say), or after a hart's first SETTLE_AFTER
 * instructions (a backstop for guests that never idle; a Linux boot to the shell runs 42–77 M),
 * harts translate at SETTLED_JIT_THRESHOLD. A boot runs most of its code once, where translating
 * lukewarm code costs more than it saves; what a settled guest runs lukewarm it mostly runs
 * again (cpu/jit/README.md, Hotness). */
export const SETTLED_JIT_THRESHOLD = 8_000;
export const SETTLE_AFTER = 2 ** 28;

export interface HartRunner {
  /** Runs up to about `budget` instructions; returns an EXIT_* reason (cpu/layout/exit-reasons). */
  run(budget: number): number;
  /** JIT statistics, undefined when the JIT is off. */
  readonly stats: JitStats | undefined;
  /** Drop translations (after a snapshot restore rewrote guest RAM). */
  flush(): void;
  /** The hart slept `ms` in WFI (mixed mode settles once it finds the whole guest idle). */
  noteIdle(ms: number): void;
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
    return {
      run: (budget) => cpu.run(hart, budget),
      stats: undefined,
      flush: () => {},
      noteIdle: () => {},
    };
  }
  const threshold = mode === 'always' ? 0 : Math.max(1, options.threshold ?? DEFAULT_JIT_THRESHOLD);
  const jit = new JitHart(cpu, memory, hart, {
    threshold,
    // A threshold the user chose holds throughout.
    ...(mode === 'mixed' &&
      options.threshold === undefined && {
        settledThreshold: SETTLED_JIT_THRESHOLD,
        settleAfter: SETTLE_AFTER,
      }),
    ...(options.now && { now: options.now }),
  });
  return {
    run: (budget) => jit.run(budget),
    get stats() {
      return jit.stats;
    },
    flush: () => jit.flush(),
    noteIdle: (ms) => jit.noteIdle(ms),
  };
}
