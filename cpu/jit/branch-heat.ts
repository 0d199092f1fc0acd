// TypeScript's side of the branch-heat table the interpreter counts in (JIT_BRANCH_HEAT, see
// cpu/assembly/branch-heat.ts): the same index, and the marks the code cache writes.
import * as J from './jit-layout';

/** Count of a translated block start: every batch stops before jumping there. */
export const BRANCH_HEAT_TRANSLATED = -1; // 0xffff_ffff as u32

/** Word index (in an Int32Array over the memory) of wasm pc `w`'s counter. */
export function branchHeatWord(w: number): number {
  const index =
    (Math.imul(w >>> 1, J.JIT_BRANCH_HEAT_MULTIPLIER | 0) >>> 16) & J.JIT_BRANCH_HEAT_MASK;
  return (J.JIT_BRANCH_HEAT >> 2) + index;
}

export function setBranchHeat(words: Int32Array, w: number, count: number): void {
  words[branchHeatWord(w)] = count;
}
