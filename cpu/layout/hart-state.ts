// Architectural state of one hart, as byte offsets inside its block
// (HART_STATE_BASE + hart * HART_STRIDE, see wasm-memory.ts). Valid AssemblyScript AND TypeScript:
// only `export const NAME = <integer literal>;` lines. 64-bit slots unless noted.
// Words marked "atomic" are written by other threads with Atomics / WASM atomics.

/** x0..x31 as i64 (x0 reads as 0). */
export const HS_X = 0;
/** f0..f31 as u64 bit patterns (singles NaN-boxed). */
export const HS_F = 256;
/** Program counter (synced at run() exit and before imports are called). */
export const HS_PC = 512;
/** i32: privilege level 0 = U, 1 = S, 3 = M. */
export const HS_PRIV = 520;
/** i32 atomic: non-zero asks run() to return EXIT_STOP_REQUESTED at the next poll point. */
export const HS_CONTROL = 524;
/** i32 atomic: interrupt bits raised by other threads (MSIP bit 3, SEIP bit 9, MEIP bit 11).
 * Wake a hart sleeping in wfi with Atomics.notify on this word. */
export const HS_PENDING = 528;
/** i32: set non-zero by mmio_read/mmio_write to signal a bus error (access fault). */
export const HS_BUS_ERROR = 532;
/** i32: 1 while the hart is inside the wfi import. */
export const HS_IN_WFI = 536;
/** i32: TLB generation (1..255); bumped by sfence.vma and satp writes. */
export const HS_TLB_EPOCH = 540;
/** LR reservation: physical address (-1 = none) and the value LR loaded. */
export const HS_RESERVATION_ADDR = 544;
export const HS_RESERVATION_VALUE = 552;
/** CLINT mtimecmp of this hart (written by any hart through the CLINT). */
export const HS_MTIMECMP = 560;
/** i32: last exit detail (cause of a trap loop). */
export const HS_EXIT_DETAIL = 568;
/** i32: consecutive trap-at-vector count (trap loop detection). */
export const HS_TRAP_REPEAT = 572;

/** CSRs. */
export const HS_MSTATUS = 576;
export const HS_MEDELEG = 584;
export const HS_MIDELEG = 592;
export const HS_MIE = 600;
/** Software-writable mip bits (SSIP, STIP without Sstc, SEIP); MTIP/STIP/MSIP/MEIP are derived. */
export const HS_MIP = 608;
export const HS_MTVEC = 616;
export const HS_MSCRATCH = 624;
export const HS_MEPC = 632;
export const HS_MCAUSE = 640;
export const HS_MTVAL = 648;
export const HS_MCOUNTEREN = 656;
export const HS_MENVCFG = 664;
export const HS_STVEC = 672;
export const HS_SSCRATCH = 680;
export const HS_SEPC = 688;
export const HS_SCAUSE = 696;
export const HS_STVAL = 704;
export const HS_SCOUNTEREN = 712;
export const HS_SENVCFG = 720;
export const HS_SATP = 728;
export const HS_STIMECMP = 736;
/** fcsr: fflags in bits 4:0, frm in bits 7:5. */
export const HS_FCSR = 744;
/** mcycle - instret (cycle counts retired instructions plus this offset). */
export const HS_MCYCLE_OFFSET = 752;
/** minstret (synced at run() exit). */
export const HS_MINSTRET = 760;
export const HS_MCOUNTINHIBIT = 768;
export const HS_PMPCFG0 = 776;
export const HS_PMPCFG2 = 784;
/** pmpaddr0..15, 8 bytes each (ends at 920). */
export const HS_PMPADDR = 792;
/** Last trap taken: cause (interrupts with bit 63) and pc, for trap-loop detection and tools. */
export const HS_LAST_TRAP_CAUSE = 920;
export const HS_LAST_TRAP_PC = 928;

/** Exit/event counters (u64). */
export const HS_COUNT_MMIO_READ = 1024;
export const HS_COUNT_MMIO_WRITE = 1032;
export const HS_COUNT_SBI = 1040;
export const HS_COUNT_WFI = 1048;
export const HS_COUNT_INTERRUPTS = 1056;
export const HS_COUNT_TLB_MISS = 1064;
export const HS_COUNT_EXCEPTIONS = 1072;
/** Spin-waits that gave the host thread up (a PAUSE streak, cpu/assembly/pause.ts). */
export const HS_COUNT_PAUSE_YIELDS = 1080;
/** Exceptions by cause 0..15 (u64 each, ends at 1216). */
export const HS_COUNT_TRAP_BY_CAUSE = 1088;
/** Interrupts by cause 0..15 (u64 each, ends at 1344). */
export const HS_COUNT_IRQ_BY_CAUSE = 1216;
/** Bytes per counter-array entry and entries per array. */
export const HS_COUNT_ARRAY_LEN = 16;

/** TLBs: 256 entries of {tag u64, wasm-minus-virtual delta u64} each (4 KiB per TLB). */
export const HS_TLB_FETCH = 4096;
export const HS_TLB_LOAD = 8192;
export const HS_TLB_STORE = 12288;
export const TLB_ENTRIES = 256;
export const TLB_ENTRY_SIZE = 16;
/** End of the used part of the block (must be <= HART_STRIDE). */
export const HS_END = 16384;
