/**
 * Numbers from the RISC-V Supervisor Binary Interface specification (v2.0): extension and function
 * ids, error codes, HSM states. See https://github.com/riscv-non-isa/riscv-sbi-doc.
 */

/** SBI v2.0: major in bits 30:24, minor in bits 23:0. */
export const SBI_SPEC_VERSION = (2 << 24) | 0;
/**
 * Implementation id. Ids 0..11 are assigned (BBL, OpenSBI, Xvisor, KVM, RustSBI, Diosix, Coffer,
 * Xen, PolarFire HSS, coreboot, oreboot, bhyve); this unregistered value, "KNDL" in ASCII, is far
 * from that range so it cannot be mistaken for a registered implementation's quirks.
 */
export const SBI_IMPL_ID = 0x4b4e444c;
/** Our implementation version: major << 16 | minor. */
export const SBI_IMPL_VERSION = (0 << 16) | 1;

export const SbiError = {
  SUCCESS: 0,
  FAILED: -1,
  NOT_SUPPORTED: -2,
  INVALID_PARAM: -3,
  DENIED: -4,
  INVALID_ADDRESS: -5,
  ALREADY_AVAILABLE: -6,
  ALREADY_STARTED: -7,
  ALREADY_STOPPED: -8,
} as const;

export const SbiExtension = {
  LEGACY_SET_TIMER: 0x00,
  LEGACY_CONSOLE_PUTCHAR: 0x01,
  LEGACY_CONSOLE_GETCHAR: 0x02,
  LEGACY_CLEAR_IPI: 0x03,
  LEGACY_SEND_IPI: 0x04,
  LEGACY_REMOTE_FENCE_I: 0x05,
  LEGACY_REMOTE_SFENCE_VMA: 0x06,
  LEGACY_REMOTE_SFENCE_VMA_ASID: 0x07,
  LEGACY_SHUTDOWN: 0x08,
  BASE: 0x10,
  TIME: 0x54494d45, // "TIME"
  IPI: 0x735049, // "sPI"
  RFENCE: 0x52464e43, // "RFNC"
  HSM: 0x48534d, // "HSM"
  SRST: 0x53525354, // "SRST"
  DBCN: 0x4442434e, // "DBCN"
} as const;

export const BaseFunction = {
  GET_SPEC_VERSION: 0,
  GET_IMPL_ID: 1,
  GET_IMPL_VERSION: 2,
  PROBE_EXTENSION: 3,
  GET_MVENDORID: 4,
  GET_MARCHID: 5,
  GET_MIMPID: 6,
} as const;

export const RfenceFunction = {
  REMOTE_FENCE_I: 0,
  REMOTE_SFENCE_VMA: 1,
  REMOTE_SFENCE_VMA_ASID: 2,
} as const;

export const HsmFunction = {
  HART_START: 0,
  HART_STOP: 1,
  HART_GET_STATUS: 2,
  HART_SUSPEND: 3,
} as const;

export const DbcnFunction = {
  CONSOLE_WRITE: 0,
  CONSOLE_READ: 1,
  CONSOLE_WRITE_BYTE: 2,
} as const;

/** HSM hart states (sbi_hart_get_status values). */
export const HsmState = {
  STARTED: 0,
  STOPPED: 1,
  START_PENDING: 2,
  STOP_PENDING: 3,
  SUSPENDED: 4,
  SUSPEND_PENDING: 5,
  RESUME_PENDING: 6,
} as const;
export type HsmStateId = (typeof HsmState)[keyof typeof HsmState];

export const HSM_SUSPEND_DEFAULT_RETENTIVE = 0x0000_0000;
export const HSM_SUSPEND_DEFAULT_NON_RETENTIVE = 0x8000_0000;

export const SRST_TYPE_SHUTDOWN = 0;
export const SRST_TYPE_COLD_REBOOT = 1;
export const SRST_TYPE_WARM_REBOOT = 2;
export const SRST_REASON_NONE = 0;
export const SRST_REASON_SYSTEM_FAILURE = 1;

/** Values the `sbi_call` import returns to the CPU. */
export const SBI_CONTINUE = 0;
/** The hart stopped, or the system is resetting: leave `run()` now. */
export const SBI_LEAVE_RUN = 1;
export type SbiExit = typeof SBI_CONTINUE | typeof SBI_LEAVE_RUN;
