// Hotness counting for the JIT's mixed mode, done by the interpreter itself: during a dispatcher
// batch (jit_interpret) every taken branch or jump counts its target's visit in the
// JIT_BRANCH_HEAT table (shared by all harts; hashed by the target's wasm pc, two tagged counters
// per set, so targets that share a set do not share a count). A target
// whose count reached the batch's limit ends the batch before it runs, and the dispatcher
// translates it (or runs it: the JIT sets its translated block starts to the largest count).
// One hash, one or two loads and a store per taken branch, instead of a dispatcher turn per basic
// block.
import {
  JIT_BRANCH_HEAT, JIT_BRANCH_HEAT_MASK, JIT_BRANCH_HEAT_MULTIPLIER, JIT_BRANCH_HEAT_TAG_MASK,
  JIT_BRANCH_HEAT_COUNT_MASK,
} from '../layout/wasm-memory';

/** Counts a visit of wasm address `w`; true (and no count) when it already has `limit`
 * (< JIT_BRANCH_HEAT_COUNT_MASK). The table is hashed, two counters (ways) per set, each tagged
 * with the target it counts: a target with no counter takes the way that marks no translated
 * start (batches must still stop there) and has the lower count. */
@inline export function reachedHeat(w: usize, limit: u32): bool {
  const h = (<u32>w >>> 1) * <u32>JIT_BRANCH_HEAT_MULTIPLIER;
  const set = <usize>JIT_BRANCH_HEAT + (<usize>((h >>> 16) & (JIT_BRANCH_HEAT_MASK & ~1)) << 2);
  const tag = (h << 16) & JIT_BRANCH_HEAT_TAG_MASK;
  let slot = set;
  let word = load<u32>(slot);
  if ((word & JIT_BRANCH_HEAT_TAG_MASK) != tag) {
    slot = set + 4;
    word = load<u32>(slot);
    if ((word & JIT_BRANCH_HEAT_TAG_MASK) != tag) {
      const victim = heatVictim(set);
      if (victim != 0) store<u32>(victim, tag | 1);
      return false;
    }
  }
  if ((word & JIT_BRANCH_HEAT_COUNT_MASK) >= limit) return true;
  store<u32>(slot, word + 1);
  return false;
}

/** The way of `set` a new target takes (0: both mark translated starts). */
function heatVictim(set: usize): usize {
  const c0 = load<u32>(set) & JIT_BRANCH_HEAT_COUNT_MASK;
  const c1 = load<u32>(set + 4) & JIT_BRANCH_HEAT_COUNT_MASK;
  if (c0 == JIT_BRANCH_HEAT_COUNT_MASK) return c1 == JIT_BRANCH_HEAT_COUNT_MASK ? 0 : set + 4;
  if (c1 == JIT_BRANCH_HEAT_COUNT_MASK) return set;
  return c0 <= c1 ? set : set + 4;
}
