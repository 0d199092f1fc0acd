/**
 * The x86_64 microVM's physical layout, shared by every backend that runs it (KVM today): where the
 * boot structures, devices and interrupt pins are. Chosen like Firecracker's (so a kernel configured
 * for it finds the same things) but written from the PC conventions the kernel relies on:
 *  - RAM below 640 KiB, the legacy BIOS/VGA hole up to 1 MiB, RAM from 1 MiB;
 *  - a 32-bit MMIO hole from 3 GiB to 4 GiB (virtio-mmio slots, IOAPIC, LAPIC), RAM above 4 GiB
 *    continues where the low part was cut.
 */
import { BOOT_TIMER_ADDRESS } from '../../devices/boot-timer/boot-timer';

export const X86_LAYOUT = {
  /** boot_params (the "zero page") handed to the kernel in RSI. */
  zeroPage: 0x7000,
  /** hvm_start_info for the PVH entry (EBX), then its memory map. */
  pvhStartInfo: 0x6000,
  /** Initial stack for the 64-bit entry (grows down below the page tables). */
  stack: 0x8ff0,
  /** Kernel command line (NUL-terminated). */
  cmdline: 0x20000,
  cmdlineMax: 0x10000,
  /** Protected-mode kernel of a bzImage (boot protocol's conventional high load address). */
  kernel: 0x100000,
  /** Start of the EBDA: RAM below it is usable, [EBDA, 1 MiB) is the legacy hole. */
  ebda: 0x9fc00,
  /** The MP floating pointer + configuration table live at the EBDA's start (Linux scans 639 KiB). */
  mpTable: 0x9fc00,
  /** Start of the 32-bit MMIO hole. */
  mmioHole: 0xc0000000,
  /** Firecracker's boot-timer page at the start of the MMIO gap (core/devices/boot-timer). */
  bootTimer: BOOT_TIMER_ADDRESS.x86_64,
  /** First virtio-mmio slot, right after the boot timer; each slot is `virtioSlotSize` bytes. */
  virtioBase: 0xd0001000,
  virtioSlotSize: 0x1000,
  ioapic: 0xfec00000,
  lapic: 0xfee00000,
} as const;

export const ONE_MIB = 0x100000;
export const FOUR_GIB = 2 ** 32;

/** ISA/GSI numbers: COM1 on IRQ 4, i8042 keyboard on IRQ 1, virtio slots from IRQ 5 up to 23. */
export const X86_IRQ = {
  keyboard: 1,
  com1: 4,
  virtioFirst: 5,
  /** The IOAPIC has 24 pins (0..23). */
  last: 23,
} as const;

export const IOAPIC_PINS = 24;
export const COM1 = { port: 0x3f8, size: 8 } as const;

/** How many virtio-mmio slots fit between the first virtio IRQ and the last IOAPIC pin. */
export const MAX_VIRTIO_SLOTS = X86_IRQ.last - X86_IRQ.virtioFirst + 1;

export interface VirtioSlot {
  readonly base: number;
  readonly size: number;
  readonly irq: number;
}

export function virtioSlot(index: number): VirtioSlot {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_VIRTIO_SLOTS)
    throw new RangeError(`virtio slot ${index} out of 0..${MAX_VIRTIO_SLOTS - 1}`);
  return {
    base: X86_LAYOUT.virtioBase + index * X86_LAYOUT.virtioSlotSize,
    size: X86_LAYOUT.virtioSlotSize,
    irq: X86_IRQ.virtioFirst + index,
  };
}
