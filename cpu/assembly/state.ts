// Per-instance cached state of the hart being run. Architectural state lives in shared memory
// (cpu/layout/hart-state.ts); only pc, priv and instret are cached in globals during run().
import {
  HART_STATE_BASE,
  HART_STRIDE,
  MACHINE_CONFIG_BASE,
  GUEST_RAM_WASM_BASE,
} from '../layout/wasm-memory';
import { HS_X, HS_F, HS_TLB_FETCH, HS_TLB_LOAD, HS_TLB_STORE } from '../layout/hart-state';
import { CFG_RAM_SIZE, CFG_FLAGS } from '../layout/machine-config';

export const RAM_PHYS: u64 = 0x80000000;
export const RAM_WASM: u64 = <u64>GUEST_RAM_WASM_BASE;

export const PRIV_U: i32 = 0;
export const PRIV_S: i32 = 1;
export const PRIV_M: i32 = 3;

/** Hart number and the base of its state block. */
export let hartId: i32 = 0;
/** Set while the JIT dispatcher's batch runs (jit_interpret): a chunk then ends when control
 * enters another page the JIT knows code in, so translated code there takes over. */
export let stopAtKnownCode: bool = false;
export let reachedKnownCode: bool = false;
/** Set by jit_interpret in mixed mode: credit the instructions run from each branch target to
 * its counter (branch-heat.ts) and stop the chunk before a target whose count reached this
 * (reachedHot). 0 everywhere else. */
export let heatLimit: u32 = 0;
export let reachedHot: bool = false;
/** The counter the batch's current run (from a branch target) is credited to (0: none), and the
 * chunk's instruction count when it started. Globals, not locals of the hot loop: only batches
 * that count heat touch them, and locals live across the loop cost the interpreter ≈ 3–5 %. */
export let heatRun: usize = 0;
export let heatRunStart: i32 = 0;
/** Set by jit_interpret for the tail of a long batch: the chunk ends right after a taken branch
 * or jump, so the batch ends at a block start. */
export let stopAfterTransfer: bool = false;
export let hb: usize = 0;
/** Base of x and f register files. */
export let xb: usize = 0;
export let fb: usize = 0;
/** TLB bases for this hart. */
export let tlbFetch: usize = 0;
export let tlbLoad: usize = 0;
export let tlbStore: usize = 0;

/** Cached architectural state (synced to memory by syncOut). */
export let pc: u64 = 0;
export let npc: u64 = 0;
export let priv: i32 = PRIV_M;
export let instret: u64 = 0;
/** Raw bits of the instruction being executed (16-bit pattern for compressed). */
export let rawInst: u32 = 0;

/** Machine configuration, read at run() entry. */
export let ramSize: u64 = 0;
export let cfgFlags: i32 = 0;

/** Set when something requires leaving the inner loop (poll interrupts, stop). */
export let attention: bool = false;
/** Exit reason requested inside the loop (-1 = none). */
export let exitReason: i32 = -1;

/** Ask run() to return `reason` at the next check (end of instruction or poll point). */
export function requestExit(reason: i32): void {
  exitReason = reason;
  attention = true;
}

/** Select the hart whose state the next operations use. */
export function selectHart(hart: i32): void {
  hartId = hart;
  hb = <usize>HART_STATE_BASE + <usize>hart * <usize>HART_STRIDE;
  xb = hb + HS_X;
  fb = hb + HS_F;
  tlbFetch = hb + HS_TLB_FETCH;
  tlbLoad = hb + HS_TLB_LOAD;
  tlbStore = hb + HS_TLB_STORE;
  ramSize = load<u64>(MACHINE_CONFIG_BASE + CFG_RAM_SIZE);
  cfgFlags = load<i32>(MACHINE_CONFIG_BASE + CFG_FLAGS);
}

@inline export function hartBase(h: i32): usize {
  return <usize>HART_STATE_BASE + <usize>h * <usize>HART_STRIDE;
}

@inline export function xget(r: u32): u64 {
  return load<u64>(xb + (<usize>r << 3));
}
@inline export function xset(r: u32, v: u64): void {
  store<u64>(xb + (<usize>r << 3), v);
}
@inline export function fget(r: u32): u64 {
  return load<u64>(fb + (<usize>r << 3));
}
@inline export function fset(r: u32, v: u64): void {
  store<u64>(fb + (<usize>r << 3), v);
}
@inline export function csrLoad(off: i32): u64 {
  return load<u64>(hb + <usize>off);
}
@inline export function csrStore(off: i32, v: u64): void {
  store<u64>(hb + <usize>off, v);
}
@inline export function count(off: i32): void {
  store<u64>(hb + <usize>off, load<u64>(hb + <usize>off) + 1);
}
