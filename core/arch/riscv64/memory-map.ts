/**
 * The riscv64 machine's physical memory map, as data.
 *
 * It follows QEMU's `virt` board (see /work/shared/README.md) so one bare-metal program or one
 * kernel runs on both. Addresses are plain numbers: everything sits below 2^53 (RAM is capped at
 * {@link MAX_RAM_SIZE}).
 */

export interface MmioRegion {
  readonly base: number;
  readonly size: number;
}

/** SiFive test finisher: 0x5555 = pass/poweroff, 0x7777 = reset, (code << 16) | 0x3333 = fail. */
export const TEST_FINISHER: MmioRegion = { base: 0x0010_0000, size: 0x1000 };
/** Firecracker-style boot timer (guest writes a magic value when init starts). Not in the DT. */
export const BOOT_TIMER: MmioRegion = { base: 0x0010_1000, size: 0x1000 };
/** CLINT / ACLINT: msip, mtimecmp, mtime. Emulated inside the CPU, never reaches the bus. */
export const CLINT: MmioRegion = { base: 0x0200_0000, size: 0x1_0000 };
/** Platform-level interrupt controller. */
export const PLIC: MmioRegion = { base: 0x0c00_0000, size: 0x60_0000 };
/** 16550 UART (register stride 1 byte). */
export const UART: MmioRegion = { base: 0x1000_0000, size: 0x100 };
export const UART_IRQ = 10;
/** 16550 input clock advertised in the DT (the classic 1.8432 MHz × 2). */
export const UART_CLOCK_HZ = 3_686_400;

/** virtio-mmio transports: slot n at 0x1000_1000 + n·0x1000 with PLIC source n + 1. */
export const VIRTIO_MMIO_BASE = 0x1000_1000;
export const VIRTIO_MMIO_STRIDE = 0x1000;
export const VIRTIO_MMIO_SLOTS = 8;
export const VIRTIO_MMIO_FIRST_IRQ = 1;

export function virtioMmioSlot(slot: number): MmioRegion & { readonly irq: number } {
  if (!Number.isInteger(slot) || slot < 0 || slot >= VIRTIO_MMIO_SLOTS)
    throw new RangeError(`virtio-mmio slot ${slot} is outside 0..${VIRTIO_MMIO_SLOTS - 1}`);
  return {
    base: VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE,
    size: VIRTIO_MMIO_STRIDE,
    irq: VIRTIO_MMIO_FIRST_IRQ + slot,
  };
}

/** Guest RAM starts here; guest physical RAM_BASE is WASM offset `GUEST_RAM_OFFSET` in the CPU. */
export const RAM_BASE = 0x8000_0000;
/** Smallest RAM that fits a kernel, its DTB and some room to run (the DTB sits below the top). */
export const MIN_RAM_SIZE = 16 * 1024 * 1024;
/**
 * Largest RAM the platform describes. Guest RAM lives inside one 32-bit WASM memory (4 GiB at most,
 * shared with the CPU's statics and hart state), so 3 GiB leaves ample room; the CPU's own memory
 * maximum may impose a lower bound still.
 */
export const MAX_RAM_SIZE = 3 * 1024 * 1024 * 1024;

/** Number of PLIC interrupt sources (1..PLIC_SOURCES; source 0 means "none"). */
export const PLIC_SOURCES = 31;
/** Harts the platform supports (the CPU's shared-state layout holds 8). */
export const MAX_HARTS = 8;

/** mtime frequency, like QEMU virt: 10 MHz. */
export const TIMEBASE_HZ = 10_000_000;

/** Where a RISC-V Linux `Image` expects to be placed relative to RAM_BASE when its header says 0. */
export const DEFAULT_KERNEL_TEXT_OFFSET = 0x20_0000;

/**
 * Every device region the machine decodes on its MMIO bus (CLINT excluded: it is CPU-local),
 * for bus construction and overlap checks.
 */
export function busRegions(): readonly (MmioRegion & { readonly name: string })[] {
  const regions = [
    { name: 'test-finisher', ...TEST_FINISHER },
    { name: 'boot-timer', ...BOOT_TIMER },
    { name: 'plic', ...PLIC },
    { name: 'uart', ...UART },
  ];
  for (let slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
    const { base, size } = virtioMmioSlot(slot);
    regions.push({ name: `virtio-mmio-${slot}`, base, size });
  }
  return regions;
}
