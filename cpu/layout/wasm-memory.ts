// Where things live inside the one shared WebAssembly.Memory. Valid AssemblyScript AND TypeScript:
// only `export const NAME = <integer literal>;` lines, so both sides import this same file.

/** Size of a WebAssembly page in bytes. */
export const WASM_PAGE_SIZE = 65536;
/** Maximum pages the module declares for its imported shared memory (4 GiB). */
export const WASM_MAX_PAGES = 65536;
/** AssemblyScript statics live below this address (checked at instantiation via __heap_base). */
export const STATICS_LIMIT = 262144;
/** Per-hart decoded-instruction tables (cpu/assembly/decode-cache.ts): 8 harts x 32 KiB at
 * 0x4_0000, ending at the compressed-expansion table. */
export const DECODE_CACHE_BASE = 262144;
export const DECODE_CACHE_HART_BYTES = 32768;
/** Expansion table of every 16-bit compressed pattern to its 32-bit equivalent (0 = illegal):
 * 65536 u32 entries at 0x8_0000, filled identically by every instance at instantiation. */
export const RVC_TABLE_BASE = 524288;
export const RVC_TABLE_SIZE = 262144;
/** Machine configuration words (see machine-config.ts for offsets), 4 KiB block at 0xF_0000. */
export const MACHINE_CONFIG_BASE = 983040;
/** First hart state block (0x10_0000); hart n lives at HART_STATE_BASE + n * HART_STRIDE. */
export const HART_STATE_BASE = 1048576;
/** Bytes per hart state block (16 KiB: registers, CSRs, counters, TLBs). */
export const HART_STRIDE = 16384;
/** Maximum number of harts a machine can have. */
export const MAX_HARTS = 8;
/** Guest RAM starts here inside the WASM memory (0x20_0000), 2 MiB aligned. */
export const GUEST_RAM_WASM_BASE = 2097152;
/** Guest physical address that maps to GUEST_RAM_WASM_BASE (0x8000_0000). */
export const GUEST_RAM_PHYS_BASE = 2147483648;
/** Pages below guest RAM: the module's declared minimum memory. */
export const WASM_MIN_PAGES = 32;
/** JIT words in the gap between the hart blocks and guest RAM (the same values as
 * cpu/jit/jit-layout.ts, checked by layout.test.ts). JIT_CODE_BITMAP: one bit per 4 KiB RAM page,
 * "translated code may exist here"; the interpreter's store slow path checks it (no store TLB entry
 * maps a marked page: cpu/jit/store-tlb-shootdown.ts). */
export const JIT_CODE_BITMAP = 1179648;
export const JIT_CODE_BITMAP_SIZE = 131072;
/** u32 per page-hash slot (page & JIT_PAGE_VERSION_MASK), bumped on a store into code. */
export const JIT_PAGE_VERSIONS = 1310720;
export const JIT_PAGE_VERSION_MASK = 65535;
/** u32 per hash of a wasm pc (JIT_BRANCH_HEAT_MASK + 1 of them): jit_interpret counts the taken
 * branches and jumps that land there and stops its batch at a target counted often enough. */
export const JIT_BRANCH_HEAT = 1572864;
export const JIT_BRANCH_HEAT_MASK = 65535;
/** Index of wasm pc w: ((w >>> 1) * JIT_BRANCH_HEAT_MULTIPLIER mod 2^32) >>> 16. */
export const JIT_BRANCH_HEAT_MULTIPLIER = 2654435761;
/** A counter word: bits 24..31 a tag of the wasm pc counted there (bits 8..15 of the product
 * above), bits 0..23 the count; JIT_BRANCH_HEAT_COUNT_MASK as the count marks a translated start. */
export const JIT_BRANCH_HEAT_TAG_MASK = 4278190080;
export const JIT_BRANCH_HEAT_COUNT_MASK = 16777215;
/** i32 bumped after any page version changes. */
export const JIT_CODE_GENERATION = 1835008;
/** i32 per hart: a RAM page (+1; -1 = several) whose code-bitmap bit was set while this hart's
 * store TLB still mapped it, so a store of this hart may have landed after the page was read
 * for translation (cpu/jit/store-tlb-shootdown.ts). FENCE.I invalidates such pages. */
export const JIT_STORE_RACES = 1835040;
