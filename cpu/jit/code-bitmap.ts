// The store side of the code-invalidation protocol, in one place for everyone who writes guest RAM
// outside translated code: the JIT's own cache, the VMM's devices and SBI (workers/common). The
// interpreter does the same in AssemblyScript (cpu/assembly/memory.ts, noteRamStore).
import * as J from './jit-layout';

/** RAM page `page` was written: if it held translated code, clear its bit and bump its version
 *  and the generation, so every hart drops it at its next lookup. */
export function markWritten(words: Int32Array, page: number): void {
  const bit = 1 << (page & 31);
  const old = Atomics.and(words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5), ~bit);
  if ((old & bit) === 0) return; // not code, or a hart's store got there first
  Atomics.add(words, (J.JIT_PAGE_VERSIONS >> 2) + (page & J.JIT_PAGE_VERSION_MASK), 1);
  Atomics.add(words, J.JIT_CODE_GENERATION >> 2, 1);
}

/** Whether page `page` currently holds translated code (a plain check before `markWritten`). */
export function holdsCode(words: Int32Array, page: number): boolean {
  return (Atomics.load(words, (J.JIT_CODE_BITMAP >> 2) + (page >>> 5)) & (1 << (page & 31))) !== 0;
}
