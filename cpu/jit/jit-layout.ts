// The JIT's shared-memory words, in the free gap between the hart state blocks (end 0x12_0000)
// and guest RAM (0x20_0000). Only `export const NAME = <integer literal>;` lines, so the file can
// move into cpu/layout/ and be imported by the AssemblyScript store path unchanged.

/** One bit per 4 KiB page of guest RAM (indexed by wasm page - RAM base page): "translated code
 * may exist here". Set before a page is translated; a store that finds it set clears it, bumps
 * the page version and the global generation. Covers 4 GiB of RAM (128 KiB). */
export const JIT_CODE_BITMAP = 1179648;
export const JIT_CODE_BITMAP_SIZE = 131072;
/** u32 per page-hash slot (page & JIT_PAGE_VERSION_MASK): bumped on every store into code.
 * Collisions only cause spurious invalidations. */
export const JIT_PAGE_VERSIONS = 1310720;
export const JIT_PAGE_VERSION_MASK = 65535;
/** u32 per hash of a wasm pc (branchHeatIndex): how often the interpreter's batches
 * (jit_interpret) jumped or branched there. A batch stops before running a target whose count
 * reached its limit, so the dispatcher can translate that code — or run it, if translated: the
 * JIT sets its translated block starts to the largest count. A tag tells the targets that share a
 * counter apart (without it, every cold target sharing one with a translated start looked hot at
 * its first visit: most of the boot's translations were such collisions). */
export const JIT_BRANCH_HEAT = 1572864;
export const JIT_BRANCH_HEAT_MASK = 65535;
/** Index of wasm pc w: ((w >>> 1) * JIT_BRANCH_HEAT_MULTIPLIER mod 2^32) >>> 16. */
export const JIT_BRANCH_HEAT_MULTIPLIER = 2654435761;
/** A counter word: bits 24..31 a tag of the wasm pc counted there (bits 8..15 of the product
 * above), bits 0..23 the count; JIT_BRANCH_HEAT_COUNT_MASK as the count marks a translated start. */
export const JIT_BRANCH_HEAT_TAG_MASK = 4278190080;
export const JIT_BRANCH_HEAT_COUNT_MASK = 16777215;
/** i32: bumped after any page version changes, so caches rescan only when something changed. */
export const JIT_CODE_GENERATION = 1835008;
/** i32 per hart (MAX_HARTS of them): a RAM page + 1 (-1: several) whose code-bitmap bit was set
 * while this hart's store TLB still mapped it (store-tlb-shootdown.ts): one of its stores may
 * have been under way. The hart invalidates the page once it is past that store; FENCE.I on
 * any hart (cpu/assembly/memory.ts) invalidates it too. */
export const JIT_STORE_RACES = 1835040;
/** End of the JIT region (must stay <= GUEST_RAM_WASM_BASE). */
export const JIT_REGION_END = 1835072;
/** Per-hart dispatch areas of the WASM dispatcher (cpu/jit/dispatch/), from here to guest RAM:
 * the area is split evenly between the configured harts; each holds a 64-byte header (see
 * dispatch-layout.ts) and a direct-mapped hash of 8-byte entries (physical pc → table slot). */
export const JIT_DISPATCH_BASE = 1839104;
export const JIT_DISPATCH_END = 2097152;
