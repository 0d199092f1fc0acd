// Machine configuration words, offsets from MACHINE_CONFIG_BASE (wasm-memory.ts). Written by the
// platform before the first run(); read by every hart. Only integer literals (shared AS/TS file).

/** u64: guest RAM size in bytes (multiple of 4096). */
export const CFG_RAM_SIZE = 0;
/** i32: number of harts (1..MAX_HARTS). */
export const CFG_NUM_HARTS = 8;
/** i32: flag bits, see CFG_FLAG_*. */
export const CFG_FLAGS = 12;
/** i32: instructions between interrupt/timer polls (0 = default 1024). */
export const CFG_POLL_INTERVAL = 16;
/** i32: consecutive identical traps at the trap vector that count as a trap loop (0 = 64). */
export const CFG_TRAP_LOOP_LIMIT = 20;
/** Bytes used by the configuration block. */
export const CFG_SIZE = 64;

/** Flag: the machine implements SBI itself; ECALL from S-mode calls the sbi_call import. */
export const CFG_FLAG_SBI = 1;
