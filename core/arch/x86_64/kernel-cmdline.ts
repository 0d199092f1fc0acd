/**
 * The Linux command line of an x86_64 microVM: the user's `boot_args` (or a Firecracker-like
 * default) followed by one `virtio_mmio.device=<size>@<base>:<irq>` per virtio-mmio slot, generated
 * from the bus layout so the kernel finds the devices without ACPI or a device tree.
 */
import type { VirtioSlot } from './memory-map';

/** What Firecracker boots with: serial console, reboot through the i8042, no PCI, no modules. */
export const DEFAULT_X86_64_CMDLINE =
  'console=ttyS0 reboot=k panic=1 pci=off nomodules i8042.noaux i8042.nomux i8042.dumbkbd';

/** `4K@0xd0000000:5`: size in KiB when it divides evenly, as the kernel's memparse accepts. */
export function virtioMmioDeviceArg(slot: VirtioSlot): string {
  const size = slot.size % 1024 === 0 ? `${slot.size / 1024}K` : String(slot.size);
  return `virtio_mmio.device=${size}@0x${slot.base.toString(16)}:${slot.irq}`;
}

export function linuxCmdline(bootArgs: string | undefined, slots: readonly VirtioSlot[]): string {
  const base = (bootArgs ?? DEFAULT_X86_64_CMDLINE).trim();
  return [base, ...slots.map(virtioMmioDeviceArg)].filter((part) => part.length > 0).join(' ');
}
