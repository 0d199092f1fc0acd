// The per-hart dispatch area in shared memory (JIT_DISPATCH_BASE..JIT_DISPATCH_END, split evenly
// between the configured harts) and the codes the WASM dispatcher returns to TypeScript.
//
// Header (64 bytes): the budget left when the dispatcher returned, the argument of a request
// (a wasm pc or a page), the code generation this hart's hash reflects, statistics, the hotness
// threshold the interpreter's batches use.
// Hash: direct-mapped 8-byte entries {u32 wasm pc (0 = empty), i32 value}:
//   value > 0: a translated block, (table slot << ENTRY_BITS) | entry index in its region;
//   value < 0: code run by the interpreter, ~value = heat << COUNT_BITS | instructions per
//   interpreter call; heat counts down the visits left before translation is requested (the
//   hotness count without the CPU's store hook; with it the interpreter counts, branch-heat.ts).
import { JIT_DISPATCH_BASE, JIT_DISPATCH_END } from '../jit-layout';

export const HDR_LEFT = 0;
export const HDR_ARG = 4;
export const HDR_GENERATION = 8;
export const HDR_TRANSLATED = 16;
export const HDR_INTERPRETED = 24;
export const HDR_BLOCK_RUNS = 32;
/** i32: mixed mode's threshold now (JitHart lowers it once the hart has settled). */
export const HDR_HEAT_LIMIT = 40;
export const HEADER_BYTES = 64;
export const ENTRY_BYTES = 8;

/** Entry index bits of a block value (regions have at most 2^ENTRY_BITS blocks). */
export const ENTRY_BITS = 7;
export const COUNT_BITS = 9;
/** Largest heat: code that cannot be translated is only re-examined after this many visits. */
export const MAX_HEAT = (1 << 22) - 1;
export const MAX_COLD_COUNT = (1 << COUNT_BITS) - 1;

/** Results of dispatch(): >= 0 is an EXIT_* reason of run(); negative asks TypeScript for help. */
export const DISPATCH_MISS = -1; // no hash entry for the wasm pc in HDR_ARG
export const DISPATCH_TRANSLATE = -2; // code at HDR_ARG became hot (or mode always)
export const DISPATCH_STORE_RACE = -3; // JIT_STORE_RACES holds a page for this hart
export const DISPATCH_FLUSH = -4; // FENCE.I or a trap in an interpreter batch (stores untracked)
export const DISPATCH_GENERATION = -5; // some hart wrote into translated code

export interface DispatchArea {
  header: number;
  entries: number;
  /** log2 of the number of entries. */
  bits: number;
}

/** Where hart `hart`'s header and hash live when the machine has `harts` harts. */
export function dispatchArea(harts: number, hart: number): DispatchArea {
  const share = Math.floor((JIT_DISPATCH_END - JIT_DISPATCH_BASE) / Math.max(harts, hart + 1));
  let bits = 4;
  while (HEADER_BYTES + ENTRY_BYTES * 2 ** (bits + 1) <= share) bits++;
  const header = JIT_DISPATCH_BASE + (share & ~63) * hart;
  return { header, entries: header + HEADER_BYTES, bits };
}

/** Byte offset of `wasmPc`'s entry from the start of the hash. */
export function hashOffset(wasmPc: number, bits: number): number {
  return (Math.imul(wasmPc >>> 1, HASH_MULTIPLIER) >>> (32 - bits)) * ENTRY_BYTES;
}
export const HASH_MULTIPLIER = 0x9e3779b1 | 0;

export const blockValue = (slot: number, entry: number): number => (slot << ENTRY_BITS) | entry;
export const coldValue = (heat: number, count: number): number =>
  ~((Math.min(heat, MAX_HEAT) << COUNT_BITS) | Math.min(Math.max(count, 1), MAX_COLD_COUNT));
