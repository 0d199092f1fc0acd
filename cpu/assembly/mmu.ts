// Address translation: Sv39/Sv48 page walks with hardware A/D updates, and per-hart TLBs.
//
// TLB entries live in the hart's shared state block: {tag, delta} where tag = virtual page |
// epoch << 4 | mode key, and wasm address = virtual address + delta. The mode key holds everything
// the permission check depended on (effective privilege, SUM, MXR), so privilege changes need no
// flush; sfence.vma and satp writes bump the epoch, which invalidates every entry at once.
import * as S from './state';
import * as B from './bits';
import { raise } from './trap';
import {
  HS_MSTATUS, HS_SATP, HS_TLB_EPOCH, HS_COUNT_TLB_MISS, HS_TLB_FETCH, TLB_ENTRIES, TLB_ENTRY_SIZE,
} from '../layout/hart-state';

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
const PPN_MASK: u64 = (<u64>1 << 44) - 1;
const PAGE_MASK: u64 = ~(<u64>0xfff);

/** Tag suffixes (epoch and mode key) for fetch and data accesses. */
export let fetchKey: u64 = 0;
export let dataKey: u64 = 0;
/** Single-entry fetch page cache (per instance): virtual page and delta to its wasm address. */
export let fetchPage: u64 = 1;
export let fetchDelta: u64 = 0;

/** Privilege used for loads and stores (MPRV makes M-mode use MPP). */
export function dataPriv(): i32 {
  const status = S.csrLoad(HS_MSTATUS);
  if (S.priv == S.PRIV_M && (status & B.MSTATUS_MPRV) != 0) {
    return <i32>((status >> B.MSTATUS_MPP_SHIFT) & 3);
  }
  return S.priv;
}

/** Recompute the TLB keys after privilege, mstatus or epoch changes. */
export function onPrivilegeChange(): void {
  const status = S.csrLoad(HS_MSTATUS);
  const epoch = <u64>load<i32>(S.hb + HS_TLB_EPOCH) << 4;
  fetchKey = epoch | <u64>S.priv;
  dataKey =
    epoch |
    <u64>dataPriv() |
    ((status & B.MSTATUS_SUM) != 0 ? 4 : 0) |
    ((status & B.MSTATUS_MXR) != 0 ? 8 : 0);
  fetchPage = 1;
  S.attention = true; // run()'s inner loop caches the fetch page and keys: make it reload them
}

/** Invalidate every TLB entry of the current hart (sfence.vma, satp writes). */
export function flushTlb(): void {
  let epoch = load<i32>(S.hb + HS_TLB_EPOCH) + 1;
  if (epoch > 255 || epoch < 1) {
    memory.fill(S.hb + HS_TLB_FETCH, 0, TLB_ENTRIES * TLB_ENTRY_SIZE * 3);
    epoch = 1;
  }
  store<i32>(S.hb + HS_TLB_EPOCH, epoch);
  superpageGigs = 0;
  onPrivilegeChange();
}

// The TLBs hold 4 KiB entries, also for pages of a superpage; a fence for one address must drop
// all of them when that address lies in a superpage. So the walk notes which 1 GiB regions
// (va >> 30) superpages were met in since the last full flush: up to SUPERPAGE_SLOTS, more (or
// a TLB this instance did not fill itself, e.g. after a restore) count as "anywhere".
const SUPERPAGE_SLOTS = 4;
const SUPERPAGES_ANYWHERE: i32 = -1;
let superpageGigs: i32 = SUPERPAGES_ANYWHERE;
let superpageGig0: u64 = 0;
let superpageGig1: u64 = 0;
let superpageGig2: u64 = 0;
let superpageGig3: u64 = 0;

function noteSuperpage(va: u64): void {
  const gig = va >> 30;
  if (superpageGigs == SUPERPAGES_ANYWHERE || inSuperpageGig(gig)) return;
  if (superpageGigs == 0) superpageGig0 = gig;
  else if (superpageGigs == 1) superpageGig1 = gig;
  else if (superpageGigs == 2) superpageGig2 = gig;
  else if (superpageGigs == 3) superpageGig3 = gig;
  superpageGigs = superpageGigs < SUPERPAGE_SLOTS ? superpageGigs + 1 : SUPERPAGES_ANYWHERE;
}

function inSuperpageGig(gig: u64): bool {
  const n = superpageGigs;
  if (n == SUPERPAGES_ANYWHERE) return true;
  return (
    (n > 0 && superpageGig0 == gig) ||
    (n > 1 && superpageGig1 == gig) ||
    (n > 2 && superpageGig2 == gig) ||
    (n > 3 && superpageGig3 == gig)
  );
}

/** sfence.vma with an address (any ASID: ASIDLEN is 0): drop the entries that translation of
 * va may have come from. Linux fences single pages thousands of times per boot; flushing
 * everything for each cost ≈ 34 refills a time. */
export function flushTlbPage(va: u64): void {
  if (inSuperpageGig(va >> 30)) {
    flushTlb();
    return;
  }
  const page = va & PAGE_MASK;
  const slot = <usize>(((va >> 12) & 255) << 4);
  for (let t = 0; t < 3; t++) { // fetch, load and store TLBs, one after the other
    const e = S.hb + <usize>(HS_TLB_FETCH + t * TLB_ENTRIES * TLB_ENTRY_SIZE) + slot;
    if ((load<u64>(e) & PAGE_MASK) == page) store<u64>(e, 0); // tag 0 never matches: epoch >= 1
  }
  fetchPage = 1;
  S.attention = true; // run()'s inner loop caches the fetch page: make it reload it
}

@inline export function inRam(pa: u64, size: u64): bool {
  const off = pa - S.RAM_PHYS;
  return off < S.ramSize && S.ramSize - off >= size;
}

@inline export function ramWasm(pa: u64): usize {
  return <usize>(pa - S.RAM_PHYS + S.RAM_WASM);
}

function pageFault(access: i32, va: u64): void {
  raise(
    access == B.ACCESS_FETCH
      ? B.CAUSE_FETCH_PAGE
      : access == B.ACCESS_LOAD
        ? B.CAUSE_LOAD_PAGE
        : B.CAUSE_STORE_PAGE,
    va,
  );
}

export function accessFault(access: i32, va: u64): void {
  raise(
    access == B.ACCESS_FETCH
      ? B.CAUSE_FETCH_ACCESS
      : access == B.ACCESS_LOAD
        ? B.CAUSE_LOAD_ACCESS
        : B.CAUSE_STORE_ACCESS,
    va,
  );
}

/** Virtual to physical. On a fault raises the exception and returns 0 (check trapPending). */
export function translate(va: u64, access: i32): u64 {
  const p = access == B.ACCESS_FETCH ? S.priv : dataPriv();
  const satp = S.csrLoad(HS_SATP);
  const mode = satp >> 60;
  if (p == S.PRIV_M || mode == 0) return va;
  S.count(HS_COUNT_TLB_MISS);
  const levels: i32 = mode == 8 ? 3 : 4;
  const vaBits = 12 + 9 * levels;
  const top = <i64>va >> (vaBits - 1);
  if (top != 0 && top != -1) {
    pageFault(access, va);
    return 0;
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    let a = (satp & PPN_MASK) << 12;
    let i = levels - 1;
    let pte: u64 = 0;
    let pteWasm: usize = 0;
    while (true) {
      const pteAddr = a + ((va >> (12 + 9 * <u64>i)) & 511) * 8;
      if (!inRam(pteAddr, 8)) {
        accessFault(access, va);
        return 0;
      }
      pteWasm = ramWasm(pteAddr);
      pte = atomic.load<u64>(pteWasm);
      if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W || pte >> 54 != 0) {
        pageFault(access, va);
        return 0;
      }
      if ((pte & (PTE_R | PTE_X)) != 0) break;
      if (i == 0) {
        pageFault(access, va);
        return 0;
      }
      i--;
      a = ((pte >> 10) & PPN_MASK) << 12;
    }
    if (!permitted(pte, p, access)) {
      pageFault(access, va);
      return 0;
    }
    const ppn = (pte >> 10) & PPN_MASK;
    const lowBits = 9 * <u64>i;
    if ((ppn & ((<u64>1 << lowBits) - 1)) != 0) {
      pageFault(access, va); // misaligned superpage
      return 0;
    }
    // Hardware A/D update (Svadu-style behaviour of the base spec): set A, and D on stores,
    // with a compare-and-swap so a concurrent PTE change by another hart restarts the walk.
    const wanted = pte | PTE_A | (access == B.ACCESS_STORE ? PTE_D : 0);
    if (wanted != pte && atomic.cmpxchg<u64>(pteWasm, pte, wanted) != pte) continue;
    if (i > 0) noteSuperpage(va);
    return (ppn << 12) | (va & ((<u64>1 << (12 + lowBits)) - 1));
  }
  pageFault(access, va);
  return 0;
}

function permitted(pte: u64, p: i32, access: i32): bool {
  const user = (pte & PTE_U) != 0;
  if (p == S.PRIV_U && !user) return false;
  if (p == S.PRIV_S && user) {
    if (access == B.ACCESS_FETCH) return false;
    if ((S.csrLoad(HS_MSTATUS) & B.MSTATUS_SUM) == 0) return false;
  }
  if (access == B.ACCESS_FETCH) return (pte & PTE_X) != 0;
  if (access == B.ACCESS_STORE) return (pte & PTE_W) != 0;
  if ((pte & PTE_R) != 0) return true;
  return (S.csrLoad(HS_MSTATUS) & B.MSTATUS_MXR) != 0 && (pte & PTE_X) != 0;
}

/** Remember a RAM translation (page granular) in one of the TLBs. */
@inline export function tlbFill(tlb: usize, va: u64, pa: u64, key: u64): void {
  const e = tlb + <usize>(((va >> 12) & 255) << 4);
  store<u64>(e, (va & PAGE_MASK) | key);
  store<u64>(e, (pa & PAGE_MASK) - S.RAM_PHYS + S.RAM_WASM - (va & PAGE_MASK), 8);
}
