/** Numbers from the virtio 1.x specification (sections 2.1, 2.7, 4.2, 6). */

/** Device status bits (2.1). */
export const Status = {
  ACKNOWLEDGE: 1,
  DRIVER: 2,
  DRIVER_OK: 4,
  FEATURES_OK: 8,
  DEVICE_NEEDS_RESET: 64,
  FAILED: 128,
} as const;

/** Reserved feature bits shared by every device type (6). */
export const Feature = {
  RING_INDIRECT_DESC: 28,
  RING_EVENT_IDX: 29,
  VERSION_1: 32,
} as const;

/** `1n << bit` as a feature mask. */
export function featureBit(bit: number): bigint {
  return 1n << BigInt(bit);
}

/** Device type ids (5). */
export const DeviceType = {
  NET: 1,
  BLOCK: 2,
  RNG: 4,
  BALLOON: 5,
  VSOCK: 19,
} as const;

/** Split-ring descriptor flags (2.7.5). */
export const DescFlag = {
  NEXT: 1,
  WRITE: 2,
  INDIRECT: 4,
} as const;

/** Ring flags. */
export const AVAIL_F_NO_INTERRUPT = 1;
export const USED_F_NO_NOTIFY = 1;

/** InterruptStatus bits of the MMIO transport (4.2.2). */
export const Interrupt = {
  USED_BUFFER: 1,
  CONFIG_CHANGE: 2,
} as const;

/** virtio-mmio v2 register offsets (4.2.2). */
export const MmioReg = {
  MAGIC: 0x000,
  VERSION: 0x004,
  DEVICE_ID: 0x008,
  VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010,
  DEVICE_FEATURES_SEL: 0x014,
  DRIVER_FEATURES: 0x020,
  DRIVER_FEATURES_SEL: 0x024,
  QUEUE_SEL: 0x030,
  QUEUE_NUM_MAX: 0x034,
  QUEUE_NUM: 0x038,
  QUEUE_READY: 0x044,
  QUEUE_NOTIFY: 0x050,
  INTERRUPT_STATUS: 0x060,
  INTERRUPT_ACK: 0x064,
  STATUS: 0x070,
  QUEUE_DESC_LOW: 0x080,
  QUEUE_DESC_HIGH: 0x084,
  QUEUE_DRIVER_LOW: 0x090,
  QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0,
  QUEUE_DEVICE_HIGH: 0x0a4,
  CONFIG_GENERATION: 0x0fc,
  CONFIG: 0x100,
} as const;

export const MMIO_MAGIC = 0x74726976; // "virt"
export const MMIO_VERSION = 2;
/** Vendor id we report ("KNDL" is not registered; any value is allowed for vendor id). */
export const MMIO_VENDOR_ID = 0x4c444e4b;
/** Size of one virtio-mmio slot. */
export const MMIO_SLOT_SIZE = 0x1000;
