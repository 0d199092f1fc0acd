// The JIT's side of the store TLB invariant the CPU's store fast path relies on
// (cpu/assembly/memory.ts, noteRamStore): no hart's store TLB maps a RAM page whose code-bitmap
// bit is set. So a store that hits the TLB — in the interpreter or in translated code — needs no
// bitmap test; a store to a code page misses, and the slow path invalidates the page. QEMU does
// the same with TLB_NOTDIRTY; this is cheaper than testing the bitmap after every store.
//
// Setting a bit therefore clears every store TLB entry (of every hart) mapping that page. An
// entry of another hart may be in use at that moment: its store can land after this hart has
// read the page's code. Such a page is posted in that hart's JIT_STORE_RACES word; the hart
// invalidates it once past the store (takeStoreRace, at its next dispatcher turn or exit), and
// FENCE.I on any hart invalidates it too (cpu/assembly/memory.ts) — RISC-V only promises that
// fetches see another hart's store after a FENCE.I ordered after it.
import {
  HART_STATE_BASE,
  HART_STRIDE,
  MACHINE_CONFIG_BASE,
  MAX_HARTS,
} from '../layout/wasm-memory';
import { HS_TLB_EPOCH, HS_TLB_STORE, TLB_ENTRIES, TLB_ENTRY_SIZE } from '../layout/hart-state';
import { CFG_NUM_HARTS } from '../layout/machine-config';
import { GUEST_RAM_WASM_BASE } from '../layout/wasm-memory';
import * as J from './jit-layout';
import { markWritten } from './code-bitmap';

/** JIT_STORE_RACES value when more than one page raced before the hart looked. */
const SEVERAL_PAGES = -1;

/** Marks RAM page `page` as holding code: sets its bit, then clears every store TLB entry that
 * maps it (bit first: a hart filling its TLB concurrently checks the bit after writing the
 * entry, memory.ts storeTlbFill). `self` is the hart doing it (its own stores are not under way). */
export function markCodePage(words: Int32Array, page: number, self: number): void {
  Atomics.or(words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5), 1 << (page & 31));
  const wasmPage = (GUEST_RAM_WASM_BASE + page * 4096) >>> 0;
  const configured = words[(MACHINE_CONFIG_BASE + CFG_NUM_HARTS) >> 2]!;
  const harts = configured >= 1 && configured <= MAX_HARTS ? configured : MAX_HARTS;
  for (let hart = 0; hart < harts; hart++) {
    const hb = HART_STATE_BASE + hart * HART_STRIDE;
    const epoch = Atomics.load(words, (hb + HS_TLB_EPOCH) >> 2);
    let live = false;
    for (let i = 0; i < TLB_ENTRIES; i++) {
      // Entry: u64 tag = virtual page | epoch << 4 | mode, u64 delta = wasm - virtual address;
      // the low words give the wasm page (below 4 GiB). A tag whose low word is 0 never
      // matches (epoch >= 1), so storing 0 there is enough to clear the entry.
      const at = (hb + HS_TLB_STORE + i * TLB_ENTRY_SIZE) >> 2;
      const tag = Atomics.load(words, at);
      if (tag === 0 || ((tag & ~0xfff) + words[at + 2]!) >>> 0 !== wasmPage) continue;
      Atomics.store(words, at, 0);
      if (((tag >>> 4) & 0xff) === epoch) live = true;
    }
    if (live && hart !== self) postStoreRace(words, hart, page);
  }
}

function postStoreRace(words: Int32Array, hart: number, page: number): void {
  const at = (J.JIT_STORE_RACES >> 2) + hart;
  const old = Atomics.compareExchange(words, at, 0, page + 1);
  if (old !== 0 && old !== page + 1) Atomics.store(words, at, SEVERAL_PAGES);
}

/** Hart `hart` is past any store it had under way: invalidate the pages posted to it. Returns
 * whether there were any. */
export function takeStoreRace(words: Int32Array, hart: number): boolean {
  const raced = Atomics.exchange(words, (J.JIT_STORE_RACES >> 2) + hart, 0);
  if (raced > 0) markWritten(words, raced - 1);
  else if (raced === SEVERAL_PAGES) {
    for (let w = 0; w < J.JIT_CODE_BITMAP_SIZE >> 2; w++) {
      const bits = Atomics.load(words, (J.JIT_CODE_BITMAP >> 2) + w);
      for (let bit = 0; bit < 32; bit++) if (bits & (1 << bit)) markWritten(words, w * 32 + bit);
    }
  }
  return raced !== 0;
}
