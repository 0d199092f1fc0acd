// Hotness counting for the JIT's mixed mode, done by the interpreter itself: during a dispatcher
// batch (jit_interpret) every taken branch or jump counts its target's visit in the shared
// JIT_BRANCH_HEAT table (a u32 per hash of the target's wasm pc, shared by all harts). A target
// whose count reached the batch's limit ends the batch before it runs, and the dispatcher
// translates it (or runs it: the JIT sets its translated block starts to the largest count).
// One hash and a load/store per taken branch, instead of a dispatcher turn per basic block.
import {
  JIT_BRANCH_HEAT, JIT_BRANCH_HEAT_MASK, JIT_BRANCH_HEAT_MULTIPLIER,
} from '../layout/wasm-memory';

/** Counts a visit of wasm address `w`; true (and no count) when it already has `limit`. */
@inline export function reachedHeat(w: usize, limit: u32): bool {
  const index = ((<u32>w >>> 1) * <u32>JIT_BRANCH_HEAT_MULTIPLIER) >>> 16;
  const slot = <usize>JIT_BRANCH_HEAT + (<usize>(index & JIT_BRANCH_HEAT_MASK) << 2);
  const count = load<u32>(slot);
  if (count >= limit) return true;
  store<u32>(slot, count + 1);
  return false;
}
