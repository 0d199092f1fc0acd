// RV64GC interpreter entry point: run(), hart_reset() and helpers for the loader.
// See cpu/README.md for the design and cpu/layout/ for the shared-memory layout.
import * as S from './state';
import * as B from './bits';
import * as H from '../layout/hart-state';
import { MAX_HARTS, MACHINE_CONFIG_BASE, DECODE_CACHE_BASE } from '../layout/wasm-memory';
import { CFG_POLL_INTERVAL } from '../layout/machine-config';
import { EXIT_BUDGET, EXIT_FATAL, EXIT_JIT_HOT, EXIT_STOP_REQUESTED } from '../layout/exit-reasons';
import { loadSlow, storeSlow } from './memory';
import { runChunk } from './hot-loop';
import { clearDecodeTable } from './decode-cache';
import { buildRvcTable, rvcLookup, expandCompressed } from './compressed';
import {
  trapPending,
  takePendingException,
  checkInterrupts,
  illegal,
  clearTrap,
  raise,
} from './trap';
import * as M from './mmu';

export * from './fpu/index';
export { jit_tracks_code_stores } from './memory';

buildRvcTable();

/** Runs hart `hart` for up to `budget` instructions; returns an EXIT_* reason. */
export function run(hart: i32, budget: i32): i32 {
  if (hart < 0 || hart >= MAX_HARTS || <usize>__heap_base > <usize>DECODE_CACHE_BASE) return EXIT_FATAL;
  S.selectHart(hart);
  if (S.ramSize == 0 || (S.ramSize & 0xfff) != 0) return EXIT_FATAL;
  const hb = S.hb;
  S.pc = load<u64>(hb + H.HS_PC) & ~(<u64>1); // IALIGN=16: a platform-written odd pc is rounded
  S.priv = load<i32>(hb + H.HS_PRIV);
  S.instret = load<u64>(hb + H.HS_MINSTRET);
  S.exitReason = -1;
  M.onPrivilegeChange();
  let interval = load<i32>(MACHINE_CONFIG_BASE + CFG_POLL_INTERVAL);
  if (interval <= 0) interval = 1024;
  let left = budget;
  while (true) {
    if (atomic.load<i32>(hb + H.HS_CONTROL) != 0) S.requestExit(EXIT_STOP_REQUESTED);
    if (S.exitReason >= 0) break;
    checkInterrupts();
    if (left <= 0 || S.exitReason >= 0) break;
    let n = left < interval ? left : interval;
    left -= n;
    left += n - runChunk(n);
  }
  store<u64>(hb + H.HS_PC, S.pc);
  store<i32>(hb + H.HS_PRIV, S.priv);
  store<u64>(hb + H.HS_MINSTRET, S.instret);
  return S.exitReason >= 0 ? S.exitReason : EXIT_BUDGET;
}

/** Reset a hart: clear its state block, then set pc, a0, a1 and the privilege level.
 * Starting in S- or U-mode (a machine that provides SBI) delegates every delegable exception and
 * the supervisor interrupts to S-mode, enables the counters and Sstc, since no M-mode firmware
 * exists to do it. */
export function hart_reset(hart: i32, pc: i64, a0: i64, a1: i64, priv: i32): void {
  if (hart < 0 || hart >= MAX_HARTS) return;
  S.selectHart(hart);
  const hb = S.hb;
  // Interrupt lines raised by devices and the VMM's control word are not the hart's own state:
  // they survive a reset (a level-triggered line is still asserted; a pause is still requested).
  const pending = atomic.load<u32>(hb + H.HS_PENDING);
  const control = atomic.load<u32>(hb + H.HS_CONTROL);
  memory.fill(hb, 0, H.HS_END);
  clearDecodeTable(hart);
  atomic.store<u32>(hb + H.HS_PENDING, pending & ~(<u32>B.MIP_MSIP));
  atomic.store<u32>(hb + H.HS_CONTROL, control);
  const p = priv == S.PRIV_M || priv == S.PRIV_S ? priv : S.PRIV_U;
  store<u64>(hb + H.HS_PC, <u64>pc);
  store<i32>(hb + H.HS_PRIV, p);
  store<u64>(hb + H.HS_X + 10 * 8, <u64>a0);
  store<u64>(hb + H.HS_X + 11 * 8, <u64>a1);
  store<u64>(hb + H.HS_MTIMECMP, <u64>-1);
  store<u64>(hb + H.HS_STIMECMP, <u64>-1);
  store<u64>(hb + H.HS_RESERVATION_ADDR, <u64>-1);
  store<u64>(hb + H.HS_MSTATUS, <u64>1 << B.MSTATUS_FS_SHIFT); // FS = Initial
  store<i32>(hb + H.HS_TLB_EPOCH, 1);
  if (p != S.PRIV_M) {
    store<u64>(hb + H.HS_MEDELEG, B.MEDELEG_WRITABLE & ~(<u64>1 << B.CAUSE_ECALL_S));
    store<u64>(hb + H.HS_MIDELEG, B.MIDELEG_WRITABLE);
    store<u64>(hb + H.HS_MCOUNTEREN, 7);
    // scounteren's reset value is unspecified; Linux 6.1 only sets it in the SBI PMU driver, which a
    // small kernel leaves out, and without it the vDSO's rdtime in U-mode traps (SIGILL).
    store<u64>(hb + H.HS_SCOUNTEREN, 7);
    store<u64>(hb + H.HS_MENVCFG, B.MENVCFG_STCE);
  }
}

/** Invalidate a hart's TLBs (after restoring a snapshot or editing page tables from outside). */
export function tlb_flush(hart: i32): void {
  if (hart < 0 || hart >= MAX_HARTS) return;
  S.selectHart(hart);
  M.flushTlb();
  clearDecodeTable(hart);
}

/** Debug translation for tools: physical address of `va` for the hart's current mode and access
 * kind (0 fetch, 1 load, 2 store), or -1 if it faults. Sets A/D bits like a real access. */
export function translate_address(hart: i32, va: i64, access: i32): i64 {
  if (hart < 0 || hart >= MAX_HARTS || access < 0 || access > 2) return -1;
  S.selectHart(hart);
  S.priv = load<i32>(S.hb + H.HS_PRIV);
  const pa = M.translate(<u64>va, access);
  if (trapPending) {
    clearTrap(); // the fault belongs to a tool query, not to the guest
    return -1;
  }
  return <i64>pa;
}

/** The 32-bit equivalent of a 16-bit compressed instruction, 0 if illegal (decoder tests). */
export function rvc_expand(h: u32): u32 {
  return (h & 3) == 3 ? 0 : expandCompressed(h & 0xffff);
}

/** Highest address used by AssemblyScript statics (must stay below the decode cache at 0x4_0000). */
export function statics_end(): u32 {
  return <u32>__heap_base;
}

// Helpers for a future JIT: translated blocks (WASM functions in a shared table, called from run()
// for the hart run() selected) use the same slow paths and trap machinery as the interpreter.

/** Zero-extended guest load of 1, 2, 4 or 8 bytes through the MMU; check jit_trap_pending(). */
export function jit_load(va: i64, size: i32): i64 {
  return <i64>loadSlow(<u64>va, <u64>size);
}

/** Guest store of 1, 2, 4 or 8 bytes through the MMU; check jit_trap_pending(). */
export function jit_store(va: i64, size: i32, value: i64): void {
  storeSlow(<u64>va, <u64>size, <u64>value);
}

/** Raise a synchronous exception for the instruction being executed. */
export function jit_raise(cause: i64, tval: i64): void {
  raise(<u64>cause, <u64>tval);
}

/** 1 if the current instruction raised an exception that run() will take. */
export function jit_trap_pending(): i32 {
  return trapPending ? 1 : 0;
}

/** TLB tag suffix (epoch << 4 | mode key) that data accesses of the hart run() selected must
 * match: a TLB entry hits when tag == (va & ~0xfff) | key (see mmu.ts). */
export function tlb_data_key(): i64 {
  return <i64>M.dataKey;
}

/** The same for instruction fetch. */
export function tlb_fetch_key(): i64 {
  return <i64>M.fetchKey;
}

// ---- Entry for the JIT's WASM dispatcher (cpu/jit/dispatch/) ----

/** run(hart, n) for the interpreter batches the JIT dispatcher runs between translated regions,
 * without the per-call interrupt poll (which reads the host clock through an import): the
 * dispatcher polls with run(hart, 0) every poll interval. Interrupts are still checked whenever
 * a chunk ends early (privilege change, trap, WFI), as run() would.
 *
 * A long batch (n > JIT_BATCH_TAIL: cold code) goes on after n - 1 instructions until one
 * transfers control (a taken branch or jump, a trap), at most JIT_BATCH_TAIL more (one chunk
 * with S.stopAfterTransfer: single steps cost a chunk's set-up each, ≈ 150 000 batches on a
 * Linux boot), and ends early when control enters another page the JIT knows code in (code
 * bitmap): it then stops at a block start, where the dispatcher can find translated code or count a visit.
 * Ending at an arbitrary instruction would make every later batch start at an arbitrary pc too,
 * none of them ever hot. Short batches (the dispatcher's basic blocks) end where asked.
 *
 * With `heat` > 0 (mixed mode) the batch counts the targets of its taken branches and jumps
 * (branch-heat.ts) and returns EXIT_JIT_HOT, HS_PC at the target, before running one that had
 * `heat` visits already. */
const JIT_BATCH_TAIL = 64;

export function jit_interpret(hart: i32, n: i32, heat: i32): i32 {
  if (hart < 0 || hart >= MAX_HARTS || <usize>__heap_base > <usize>DECODE_CACHE_BASE) return EXIT_FATAL;
  S.selectHart(hart);
  if (S.ramSize == 0 || (S.ramSize & 0xfff) != 0) return EXIT_FATAL;
  const hb = S.hb;
  S.pc = load<u64>(hb + H.HS_PC) & ~(<u64>1);
  S.priv = load<i32>(hb + H.HS_PRIV);
  S.instret = load<u64>(hb + H.HS_MINSTRET);
  S.exitReason = -1;
  M.onPrivilegeChange();
  // With heat the counters stop the batch before translated starts (the JIT marks them hot);
  // without, stop where control enters a page the JIT knows code in.
  S.stopAtKnownCode = heat <= 0;
  S.reachedKnownCode = false;
  S.heatLimit = heat > 0 ? <u32>heat : 0;
  S.reachedHot = false;
  S.heatRun = 0;
  S.heatRunStart = 0;
  const long = n > JIT_BATCH_TAIL;
  let left = long ? n - 1 : n;
  while (left > 0 && S.exitReason < 0 && !S.reachedKnownCode && !S.reachedHot) {
    // As run(): a pending request (pause, remote TLB flush) ends the batch. A WFI returns at
    // once while one waits, so an idle loop would otherwise spin here until the batch ends.
    if (atomic.load<i32>(hb + H.HS_CONTROL) != 0) {
      S.requestExit(EXIT_STOP_REQUESTED);
      break;
    }
    const done = runChunk(left);
    left -= done;
    // Not when the chunk stopped before hot or known code: nothing changed that a poll must see
    // now, and the dispatcher polls at its own interval (each poll reads the host clock).
    if (left > 0 && S.exitReason < 0 && !S.reachedKnownCode && !S.reachedHot) checkInterrupts();
  }
  if (long && S.exitReason < 0 && !S.reachedKnownCode && !S.reachedHot) {
    // Ends after a taken branch or jump, a trap, before hot or known code, or when privilege,
    // mstatus or the fetch page changed — then take what became pending now, as the chunk loop
    // above does.
    S.stopAfterTransfer = true;
    runChunk(JIT_BATCH_TAIL + 1);
    S.stopAfterTransfer = false;
    if (S.attention && S.exitReason < 0) checkInterrupts();
  }
  S.stopAtKnownCode = false;
  S.heatLimit = 0;
  S.heatRun = 0;
  store<u64>(hb + H.HS_PC, S.pc);
  store<i32>(hb + H.HS_PRIV, S.priv);
  store<u64>(hb + H.HS_MINSTRET, S.instret);
  if (S.exitReason >= 0) return S.exitReason;
  return S.reachedHot ? EXIT_JIT_HOT : EXIT_BUDGET;
}
