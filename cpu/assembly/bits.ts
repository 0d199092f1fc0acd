// Bit positions of mstatus/mip and trap causes (RISC-V privileged spec v1.12).

export const MSTATUS_SIE: u64 = 1 << 1;
export const MSTATUS_MIE: u64 = 1 << 3;
export const MSTATUS_SPIE: u64 = 1 << 5;
export const MSTATUS_MPIE: u64 = 1 << 7;
export const MSTATUS_SPP: u64 = 1 << 8;
export const MSTATUS_MPP_SHIFT: u64 = 11;
export const MSTATUS_MPP: u64 = 3 << 11;
export const MSTATUS_FS_SHIFT: u64 = 13;
export const MSTATUS_FS: u64 = 3 << 13;
export const MSTATUS_MPRV: u64 = 1 << 17;
export const MSTATUS_SUM: u64 = 1 << 18;
export const MSTATUS_MXR: u64 = 1 << 19;
export const MSTATUS_TVM: u64 = 1 << 20;
export const MSTATUS_TW: u64 = 1 << 21;
export const MSTATUS_TSR: u64 = 1 << 22;
/** UXL = SXL = 2 (64-bit), read-only. */
export const MSTATUS_XL: u64 = 0xa00000000;
export const MSTATUS_SD: u64 = 1 << 63;
export const MSTATUS_WRITABLE: u64 =
  MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |
  MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
export const SSTATUS_WRITABLE: u64 =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
/** sstatus shows UXL (bits 33:32) but not SXL. */
export const SSTATUS_VISIBLE: u64 = SSTATUS_WRITABLE | 0x200000000 | MSTATUS_SD;

export const IRQ_SSI: u32 = 1;
export const IRQ_MSI: u32 = 3;
export const IRQ_STI: u32 = 5;
export const IRQ_MTI: u32 = 7;
export const IRQ_SEI: u32 = 9;
export const IRQ_MEI: u32 = 11;
export const MIP_SSIP: u64 = 1 << 1;
export const MIP_MSIP: u64 = 1 << 3;
export const MIP_STIP: u64 = 1 << 5;
export const MIP_MTIP: u64 = 1 << 7;
export const MIP_SEIP: u64 = 1 << 9;
export const MIP_MEIP: u64 = 1 << 11;
export const MIE_WRITABLE: u64 = 0xaaa;
export const MIDELEG_WRITABLE: u64 = 0x222;
/** All synchronous exceptions except ecall-from-M (11) can be delegated. */
export const MEDELEG_WRITABLE: u64 = 0xb3ff;
export const MENVCFG_STCE: u64 = 1 << 63;
export const MENVCFG_FIOM: u64 = 1;

export const CAUSE_FETCH_MISALIGNED: u64 = 0;
export const CAUSE_FETCH_ACCESS: u64 = 1;
export const CAUSE_ILLEGAL: u64 = 2;
export const CAUSE_BREAKPOINT: u64 = 3;
export const CAUSE_LOAD_MISALIGNED: u64 = 4;
export const CAUSE_LOAD_ACCESS: u64 = 5;
export const CAUSE_STORE_MISALIGNED: u64 = 6;
export const CAUSE_STORE_ACCESS: u64 = 7;
export const CAUSE_ECALL_U: u64 = 8;
export const CAUSE_ECALL_S: u64 = 9;
export const CAUSE_ECALL_M: u64 = 11;
export const CAUSE_FETCH_PAGE: u64 = 12;
export const CAUSE_LOAD_PAGE: u64 = 13;
export const CAUSE_STORE_PAGE: u64 = 15;
export const CAUSE_INTERRUPT: u64 = 1 << 63;

/** misa: RV64 (MXL=2) with A, C, D, F, I, M, S, U. */
export const MISA_VALUE: u64 = (2 << 62) | 1 | 4 | 8 | 32 | 256 | 4096 | (1 << 18) | (1 << 20);

/** Memory access kinds for translation. */
export const ACCESS_FETCH: i32 = 0;
export const ACCESS_LOAD: i32 = 1;
export const ACCESS_STORE: i32 = 2;
