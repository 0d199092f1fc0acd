// TypeScript's side of the branch-heat table the interpreter counts in (JIT_BRANCH_HEAT, see
// cpu/assembly/branch-heat.ts): the same sets, ways and tags, and the marks the code cache writes.
import * as J from './jit-layout';

/** Count of a translated block start: every batch stops before jumping there. */
export const BRANCH_HEAT_TRANSLATED = J.JIT_BRANCH_HEAT_COUNT_MASK;
/** Largest usable heat limit (a count never passes its limit; the largest count is the mark). */
export const MAX_BRANCH_HEAT_LIMIT = J.JIT_BRANCH_HEAT_COUNT_MASK - 1;

const COUNT = J.JIT_BRANCH_HEAT_COUNT_MASK;

function product(w: number): number {
  return Math.imul(w >>> 1, J.JIT_BRANCH_HEAT_MULTIPLIER | 0);
}

/** Word index (in an Int32Array over the memory) of the first of `w`'s set's two counters. */
export function branchHeatSet(w: number): number {
  return (J.JIT_BRANCH_HEAT >> 2) + ((product(w) >>> 16) & (J.JIT_BRANCH_HEAT_MASK & ~1));
}

/** `w`'s tag, as it sits in a counter word. */
function tagOf(w: number): number {
  return ((product(w) << 16) & J.JIT_BRANCH_HEAT_TAG_MASK) >>> 0;
}

/** The word of `w`'s counter, or -1 when neither way of its set counts it. */
function wayOf(words: Int32Array, w: number): number {
  const set = branchHeatSet(w);
  const tag = tagOf(w);
  for (const i of [set, set + 1]) {
    if ((words[i]! & J.JIT_BRANCH_HEAT_TAG_MASK) >>> 0 === tag) return i;
  }
  return -1;
}

/** `w`'s count (0 when it has no counter). */
export function branchHeat(words: Int32Array, w: number): number {
  const i = wayOf(words, w);
  return i < 0 ? 0 : words[i]! & COUNT;
}

/** Sets `w`'s count; without a counter yet it takes one as the interpreter would, or — to mark a
 * translated start — the way with the lower count when both mark translated starts. */
export function setBranchHeat(words: Int32Array, w: number, count: number): void {
  let i = wayOf(words, w);
  if (i < 0) {
    if (count === 0) return; // no counter is a count of 0
    const set = branchHeatSet(w);
    const c0 = words[set]! & COUNT;
    const c1 = words[set + 1]! & COUNT;
    if (c0 === COUNT && c1 === COUNT) i = count === COUNT ? set : -1;
    else if (c0 === COUNT) i = set + 1;
    else if (c1 === COUNT) i = set;
    else i = c0 <= c1 ? set : set + 1;
    if (i < 0) return;
  }
  words[i] = tagOf(w) | (count & COUNT);
}

/**
 * The leak of the heat table's leaky buckets: takes `amount` off every count that is not a
 * translated start's mark. A target then reaches its limit only while instructions are credited
 * to it faster than the leak — code that runs a few thousand times spread over a whole boot
 * stays with the interpreter, a loop is translated as before. Another hart's JIT may mark a
 * translated start at the same moment: each counter is replaced only if it still holds what was
 * read, so a mark is never overwritten. Returns how many counters leaked.
 */
export function leakBranchHeat(words: Int32Array, amount: number): number {
  const first = J.JIT_BRANCH_HEAT >> 2;
  const last = first + J.JIT_BRANCH_HEAT_MASK;
  let leaked = 0;
  for (let i = first; i <= last; i++) {
    const word = words[i]!;
    const count = word & COUNT;
    if (count === 0 || count === COUNT) continue;
    const left = count > amount ? count - amount : 0;
    if (Atomics.compareExchange(words, i, word, (word & ~COUNT) | left) === word) leaked++;
  }
  return leaked;
}
