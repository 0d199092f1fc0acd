// Guest physical memory map of the RISC-V machine (same as QEMU virt). Integer literals only.

/** SiFive test finisher (pass/fail/reset). */
export const TEST_FINISHER_BASE = 1048576;
export const TEST_FINISHER_SIZE = 4096;
/** CLINT/ACLINT: handled inside the CPU, never reaches mmio_read/mmio_write. */
export const CLINT_BASE = 33554432;
export const CLINT_SIZE = 65536;
/** CLINT register offsets: msip (+4*hart), mtimecmp (+8*hart), mtime. */
export const CLINT_MSIP = 0;
export const CLINT_MTIMECMP = 16384;
export const CLINT_MTIME = 49144;
/** PLIC. */
export const PLIC_BASE = 201326592;
export const PLIC_SIZE = 6291456;
/** 16550 UART (IRQ 10). */
export const UART_BASE = 268435456;
export const UART_SIZE = 256;
/** First virtio-mmio slot; slot n at VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE (IRQ 1 + n). */
export const VIRTIO_MMIO_BASE = 268439552;
export const VIRTIO_MMIO_STRIDE = 4096;
/** mtime frequency in Hz (timebase-frequency of the device tree). */
export const TIMEBASE_HZ = 10000000;
