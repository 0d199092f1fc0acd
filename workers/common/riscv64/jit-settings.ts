/**
 * How a machine's vCPUs execute guest code: the interpreter alone ('off', the reference) or with the
 * JIT of cpu/jit ('mixed', the default: hot code is translated; 'always': every block before it
 * first runs). An engine setting of this machine, not part of the Firecracker API.
 */
import type { JitMode } from '../../../cpu/jit/hart-runner';

export type { JitMode };

export interface JitSettings {
  mode: JitMode;
  /** Mixed mode: instructions the interpreter runs from a block before it is translated
   * (default: cpu/jit's DEFAULT_JIT_THRESHOLD). */
  threshold?: number;
}

export const JIT_MODES: readonly JitMode[] = ['off', 'mixed', 'always'];

/**
 * What a machine runs when nothing chooses: mixed. bench/results: 10–25× the interpreter on the
 * CPU benchmarks (1.0–1.6× QEMU TCG in-process); boot to the marker 1.1× faster than the
 * interpreter in Node, 1.1–1.2× in Chromium (cpu/jit/README.md).
 */
export const DEFAULT_JIT_SETTINGS: JitSettings = { mode: 'mixed' };

export function isJitMode(value: unknown): value is JitMode {
  return typeof value === 'string' && (JIT_MODES as readonly string[]).includes(value);
}

/** The largest threshold accepted (a larger one would mean "never translate": use 'off'). */
export const MAX_JIT_THRESHOLD = 1_000_000;

/** Settings from untrusted input (a message from the page): an error sentence when invalid. */
export function validateJitSettings(value: unknown): JitSettings | string {
  if (typeof value !== 'object' || value === null) return 'JIT settings must be an object';
  const { mode, threshold } = value as { mode?: unknown; threshold?: unknown };
  if (!isJitMode(mode)) return `JIT mode must be one of ${JIT_MODES.join(', ')}`;
  if (threshold === undefined) return { mode };
  if (!Number.isSafeInteger(threshold) || (threshold as number) < 1) {
    return 'JIT threshold must be a positive integer';
  }
  if ((threshold as number) > MAX_JIT_THRESHOLD) {
    return `JIT threshold must be at most ${MAX_JIT_THRESHOLD}`;
  }
  return { mode, threshold: threshold as number };
}

/** "off", "mixed", "always" or "mixed:THRESHOLD" (command lines, KINDLING_JIT). */
export function parseJitSettings(text: string): JitSettings | string {
  const [mode, threshold, extra] = text.trim().split(':');
  if (extra !== undefined) return `bad JIT setting "${text}": use off, mixed, always or mixed:N`;
  if (threshold === undefined) return validateJitSettings({ mode });
  const n = Number(threshold);
  return validateJitSettings({ mode, threshold: threshold === '' ? NaN : n });
}
