/**
 * Snapshot state of the PLIC: plain arrays (JSON-friendly), named fields, validated on restore.
 */

export interface PlicState {
  /** Number of interrupt sources (ids 1..sources). */
  readonly sources: number;
  /** Number of contexts (2 per hart: M then S). */
  readonly contexts: number;
  /** priority[id] for id 0..sources (index 0 is always 0). */
  readonly priorities: readonly number[];
  /** Input line levels, one boolean per id 0..sources. */
  readonly levels: readonly boolean[];
  /** Pending bits, one boolean per id 0..sources. */
  readonly pending: readonly boolean[];
  /** Claimed-but-not-completed sources, one boolean per id 0..sources. */
  readonly claimed: readonly boolean[];
  /** enables[context] = the 32-bit enable words of that context. */
  readonly enables: readonly (readonly number[])[];
  /** thresholds[context]. */
  readonly thresholds: readonly number[];
}

/** A snapshot that does not fit this PLIC. */
export class PlicStateError extends Error {
  override readonly name = 'PlicStateError';
}

export function checkPlicState(
  state: PlicState,
  sources: number,
  contexts: number,
  enableWords: number,
): void {
  const fail = (why: string): never => {
    throw new PlicStateError(`PLIC snapshot does not match this PLIC: ${why}`);
  };
  if (state.sources !== sources) fail(`${state.sources} sources, expected ${sources}`);
  if (state.contexts !== contexts) fail(`${state.contexts} contexts, expected ${contexts}`);
  const perSource = [state.priorities, state.levels, state.pending, state.claimed];
  if (perSource.some((a) => a.length !== sources + 1)) fail('per-source arrays have wrong length');
  if (state.enables.length !== contexts || state.thresholds.length !== contexts)
    fail('per-context arrays have wrong length');
  if (state.enables.some((words) => words.length !== enableWords))
    fail('enable word count is wrong');
  const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
  const numbers = [...state.priorities, ...state.thresholds, ...state.enables.flat()];
  if (!numbers.every(isU32)) fail('a register value is not a 32-bit unsigned integer');
}
