// Hotness counting for the JIT's mixed mode, done by the interpreter itself: during a dispatcher
// batch (jit_interpret) the instructions run from each taken branch's or jump's target up to the
// next one are credited to that target's counter in the JIT_BRANCH_HEAT table (shared by all
// harts; hashed by the target's wasm pc, two tagged counters per set, so targets that share a set
// do not share a count). Counting instructions rather than visits makes a count the interpreter
// time spent from a target: a loop whose body is long straight-line code gets as hot as a short
// one run as long. A target whose count reached the batch's limit ends the batch before it runs,
// and the dispatcher translates it (or runs it: the JIT sets its translated block starts to the
// largest count). One hash, one or two loads and two stores per taken branch, instead of a
// dispatcher turn per basic block.
import {
  JIT_BRANCH_HEAT, JIT_BRANCH_HEAT_MASK, JIT_BRANCH_HEAT_MULTIPLIER, JIT_BRANCH_HEAT_TAG_MASK,
  JIT_BRANCH_HEAT_COUNT_MASK,
} from '../layout/wasm-memory';

/** What heatCounter returns for a target whose count reached the limit (counters are word
 * addresses, never 1). */
export const HEAT_HOT: usize = 1;

/** The counter of wasm address `w`, taking a way of its set when it has none: HEAT_HOT when its
 * count reached `limit` (< JIT_BRANCH_HEAT_COUNT_MASK, so a translated start's mark is hot too),
 * 0 when both ways mark translated starts (the target is then neither hot nor counted). The table
 * is hashed, two counters (ways) per set, each tagged with the target it counts: a new target
 * takes the way that marks no translated start and has the lower count. */
@inline export function heatCounter(w: usize, limit: u32): usize {
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
      if (victim != 0) store<u32>(victim, tag);
      return victim;
    }
  }
  return (word & JIT_BRANCH_HEAT_COUNT_MASK) >= limit ? HEAT_HOT : slot;
}

/** Credits a run of `instructions` to `counter` (from heatCounter), up to `limit`. Another hart
 * may have marked it a translated start meanwhile: a count at or past the limit stays. */
@inline export function creditHeat(counter: usize, instructions: u32, limit: u32): void {
  const word = load<u32>(counter);
  const count = word & JIT_BRANCH_HEAT_COUNT_MASK;
  if (count >= limit) return;
  const sum = count + instructions;
  store<u32>(counter, (word & JIT_BRANCH_HEAT_TAG_MASK) | (sum < limit ? sum : limit));
}

/** The way of `set` a new target takes (0: both mark translated starts). */
function heatVictim(set: usize): usize {
  const c0 = load<u32>(set) & JIT_BRANCH_HEAT_COUNT_MASK;
  const c1 = load<u32>(set + 4) & JIT_BRANCH_HEAT_COUNT_MASK;
  if (c0 == JIT_BRANCH_HEAT_COUNT_MASK) return c1 == JIT_BRANCH_HEAT_COUNT_MASK ? 0 : set + 4;
  if (c1 == JIT_BRANCH_HEAT_COUNT_MASK) return set;
  return c0 <= c1 ? set : set + 4;
}
