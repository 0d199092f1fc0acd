/**
 * KVM ioctl request numbers, capabilities and exit reasons from the kernel's `linux/kvm.h` (KVM API 12).
 *
 * Request numbers are computed with the generic Linux `_IOC` encoding rather than copied as magic
 * numbers, so each one documents its direction and argument size:
 *   bits 0..7 = command number, 8..15 = type (0xAE for KVM), 16..29 = argument size, 30..31 = direction
 *   (1 = write: user → kernel, 2 = read: kernel → user, 3 = both).
 * `kvm-constants.test.ts` checks every value against the numbers gcc printed from `linux/kvm.h`.
 */

const IOC_NONE = 0;
const IOC_WRITE = 1;
const IOC_READ = 2;
const KVMIO = 0xae;

function ioc(direction: number, nr: number, size: number): number {
  // `>>> 0` keeps the result an unsigned 32-bit number (direction 2/3 sets bit 31).
  return ((direction << 30) | (size << 16) | (KVMIO << 8) | nr) >>> 0;
}
const io = (nr: number): number => ioc(IOC_NONE, nr, 0);
const ior = (nr: number, size: number): number => ioc(IOC_READ, nr, size);
const iow = (nr: number, size: number): number => ioc(IOC_WRITE, nr, size);
const iowr = (nr: number, size: number): number => ioc(IOC_READ | IOC_WRITE, nr, size);

/** Sizes of the structures the ioctls carry (x86_64; see `kvm-structs.ts` for their layouts). */
export const STRUCT_SIZE = {
  kvmRegs: 144, // 18 × u64: rax..r15, rip, rflags
  kvmSregs: 312, // 8 segments × 24 + 2 dtables × 16 + 7 × u64 + interrupt_bitmap[4] × u64
  kvmUserspaceMemoryRegion: 32, // u32 slot, u32 flags, u64 gpa, u64 size, u64 userspace_addr
  kvmCpuid2Header: 8, // u32 nent, u32 padding, then kvm_cpuid_entry2[nent]
  kvmCpuidEntry2: 40, // u32 function, index, flags, eax, ebx, ecx, edx, padding[3]
  kvmMsrsHeader: 8, // u32 nmsrs, u32 pad, then kvm_msr_entry[nmsrs]
  kvmMsrEntry: 16, // u32 index, u32 reserved, u64 data
  kvmMsrListHeader: 4, // u32 nmsrs, then u32 indices[nmsrs]
  kvmIrqLevel: 8, // u32 irq, u32 level
  kvmPitConfig: 64, // u32 flags, u32 pad[15]
  kvmIrqfd: 32, // u32 fd, u32 gsi, u32 flags, u32 resamplefd, u8 pad[16]
  kvmIoeventfd: 64, // u64 datamatch, u64 addr, u32 len, s32 fd, u32 flags, u8 pad[36]
  kvmLapicState: 1024, // char regs[1024]
  kvmFpu: 416,
  u64: 8, // KVM_SET_IDENTITY_MAP_ADDR takes a pointer to a u64
  kvmSignalMaskHeader: 4, // u32 len, then the sigset bytes
} as const;

/** ioctls on the /dev/kvm system fd, the VM fd and the vCPU fd. */
export const KVM_IOCTL = {
  GET_API_VERSION: io(0x00),
  CREATE_VM: io(0x01),
  GET_MSR_INDEX_LIST: iowr(0x02, STRUCT_SIZE.kvmMsrListHeader),
  CHECK_EXTENSION: io(0x03),
  GET_VCPU_MMAP_SIZE: io(0x04),
  GET_SUPPORTED_CPUID: iowr(0x05, STRUCT_SIZE.kvmCpuid2Header),
  CREATE_VCPU: io(0x41),
  SET_USER_MEMORY_REGION: iow(0x46, STRUCT_SIZE.kvmUserspaceMemoryRegion),
  SET_TSS_ADDR: io(0x47),
  SET_IDENTITY_MAP_ADDR: iow(0x48, STRUCT_SIZE.u64),
  CREATE_IRQCHIP: io(0x60),
  IRQ_LINE: iow(0x61, STRUCT_SIZE.kvmIrqLevel),
  IRQFD: iow(0x76, STRUCT_SIZE.kvmIrqfd),
  CREATE_PIT2: iow(0x77, STRUCT_SIZE.kvmPitConfig),
  IOEVENTFD: iow(0x79, STRUCT_SIZE.kvmIoeventfd),
  RUN: io(0x80),
  GET_REGS: ior(0x81, STRUCT_SIZE.kvmRegs),
  SET_REGS: iow(0x82, STRUCT_SIZE.kvmRegs),
  GET_SREGS: ior(0x83, STRUCT_SIZE.kvmSregs),
  SET_SREGS: iow(0x84, STRUCT_SIZE.kvmSregs),
  GET_MSRS: iowr(0x88, STRUCT_SIZE.kvmMsrsHeader),
  SET_MSRS: iow(0x89, STRUCT_SIZE.kvmMsrsHeader),
  SET_SIGNAL_MASK: iow(0x8b, STRUCT_SIZE.kvmSignalMaskHeader),
  GET_FPU: ior(0x8c, STRUCT_SIZE.kvmFpu),
  SET_FPU: iow(0x8d, STRUCT_SIZE.kvmFpu),
  GET_LAPIC: ior(0x8e, STRUCT_SIZE.kvmLapicState),
  SET_LAPIC: iow(0x8f, STRUCT_SIZE.kvmLapicState),
  SET_CPUID2: iow(0x90, STRUCT_SIZE.kvmCpuid2Header),
} as const;

export const KVM_API_VERSION = 12;

/** KVM_CHECK_EXTENSION arguments worth knowing for an x86 microVM. */
export const KVM_CAP = {
  IRQCHIP: 0,
  HLT: 1,
  USER_MEMORY: 3,
  SET_TSS_ADDR: 4,
  EXT_CPUID: 7,
  NR_VCPUS: 9,
  NR_MEMSLOTS: 10,
  PIT: 11,
  NOP_IO_DELAY: 12,
  MP_STATE: 14,
  COALESCED_MMIO: 15,
  SYNC_MMU: 16,
  IRQ_ROUTING: 25,
  IRQ_INJECT_STATUS: 26,
  IRQFD: 32,
  PIT2: 33,
  PIT_STATE2: 35,
  IOEVENTFD: 36,
  SET_IDENTITY_MAP_ADDR: 37,
  ADJUST_CLOCK: 39,
  INTERNAL_ERROR_DATA: 40,
  VCPU_EVENTS: 41,
  DEBUGREGS: 50,
  ENABLE_CAP: 54,
  XSAVE: 55,
  XCRS: 56,
  TSC_CONTROL: 60,
  GET_TSC_KHZ: 61,
  MAX_VCPUS: 66,
  TSC_DEADLINE_TIMER: 72,
  KVMCLOCK_CTRL: 76,
  READONLY_MEM: 81,
  IRQFD_RESAMPLE: 82,
  CHECK_EXTENSION_VM: 105,
  SPLIT_IRQCHIP: 121,
  IOEVENTFD_ANY_LENGTH: 122,
  MAX_VCPU_ID: 128,
  X2APIC_API: 129,
  IMMEDIATE_EXIT: 136,
  X86_DISABLE_EXITS: 143,
  GET_MSR_FEATURES: 153,
  EXCEPTION_PAYLOAD: 164,
  X86_USER_SPACE_MSR: 188,
  SYSTEM_EVENT_DATA: 215,
} as const;

export type KvmCapName = keyof typeof KVM_CAP;

/** kvm_run.exit_reason values. */
export const KVM_EXIT = {
  UNKNOWN: 0,
  EXCEPTION: 1,
  IO: 2,
  HYPERCALL: 3,
  DEBUG: 4,
  HLT: 5,
  MMIO: 6,
  IRQ_WINDOW_OPEN: 7,
  SHUTDOWN: 8,
  FAIL_ENTRY: 9,
  INTR: 10,
  INTERNAL_ERROR: 17,
  SYSTEM_EVENT: 24,
} as const;

export const KVM_EXIT_IO_IN = 0;
export const KVM_EXIT_IO_OUT = 1;

export const KVM_SYSTEM_EVENT = { SHUTDOWN: 1, RESET: 2, CRASH: 3, WAKEUP: 4, SUSPEND: 5 } as const;

export const KVM_INTERNAL_ERROR = {
  EMULATION: 1,
  SIMUL_EX: 2,
  DELIVERY_EV: 3,
  UNEXPECTED_EXIT_REASON: 4,
} as const;

/** kvm_ioeventfd.flags bits. */
export const KVM_IOEVENTFD_FLAG = { DATAMATCH: 1 << 0, PIO: 1 << 1, DEASSIGN: 1 << 2 } as const;
/** kvm_irqfd.flags bits. */
export const KVM_IRQFD_FLAG = { DEASSIGN: 1 << 0, RESAMPLE: 1 << 1 } as const;
