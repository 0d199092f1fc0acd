/**
 * Boot planning for a riscv64 Linux guest: from kernel `Image` bytes, an optional initrd and the
 * machine description, produce what the machine must write into guest RAM and how the boot hart
 * starts. Pure data in, data out: the caller copies the writes into RAM and resets the hart.
 *
 * Boot protocol (Linux RISC-V, firmware-less with the machine providing SBI): hart 0 enters the
 * kernel in S-mode at the load address with a0 = hartid, a1 = DTB physical address, satp = 0 and
 * interrupts off; the other harts stay STOPPED until the kernel starts them with SBI HSM.
 */
import { BootPlacementError, computeBootLayout, type BootLayout, type Range } from './boot-layout';
import {
  buildDeviceTree,
  effectiveBootargs,
  DeviceTreeError,
  type RiscvMachineDescription,
} from './device-tree';
import { ImageFormatError, parseImageHeader, type RiscvImageHeader } from './image-header';
import { FdtError } from '../../fdt/fdt-format';

/** RISC-V privilege level encoding (as in mstatus.MPP): U = 0, S = 1, M = 3. */
export const PRIVILEGE_SUPERVISOR = 1;
export const BOOT_HART = 0;

export interface RiscvBootConfig {
  /** Uncompressed kernel `Image`. */
  readonly kernel: Uint8Array;
  /** initrd / initramfs bytes as the kernel should see them (often a gzip'd cpio). */
  readonly initrd?: Uint8Array;
  /** The machine; initrd addresses are filled in by the planner. */
  readonly machine: Omit<RiscvMachineDescription, 'initrd'>;
  /** Optional highest address for the initrd and DTB (see boot-layout.ts). */
  readonly limit?: number;
}

export interface GuestWrite {
  /** Guest physical address. */
  readonly address: number;
  readonly bytes: Uint8Array;
}

export interface RiscvBootEntry {
  readonly hart: number;
  readonly pc: number;
  /** hartid */
  readonly a0: number;
  /** DTB address */
  readonly a1: number;
  /** {@link PRIVILEGE_SUPERVISOR} */
  readonly privilege: number;
  readonly satp: 0;
}

export interface RiscvBootPlan {
  readonly header: RiscvImageHeader;
  readonly layout: BootLayout;
  readonly dtb: Uint8Array;
  /** The command line the guest will see. */
  readonly bootargs: string;
  /** Copy these into guest RAM (kernel, initrd, DTB), in this order. */
  readonly writes: readonly GuestWrite[];
  /**
   * Ranges that must read as zero: the kernel's BSS beyond the file. Fresh RAM already is zero;
   * on a reboot the machine must clear them (or all of RAM).
   */
  readonly zero: readonly Range[];
  readonly entry: RiscvBootEntry;
}

/** Anything that prevents the boot: bad kernel, does not fit, bad machine description. */
export class RiscvBootError extends Error {
  override readonly name = 'RiscvBootError';
}

export function planRiscvBoot(config: RiscvBootConfig): RiscvBootPlan {
  try {
    return plan(config);
  } catch (e) {
    const known =
      e instanceof ImageFormatError ||
      e instanceof BootPlacementError ||
      e instanceof DeviceTreeError ||
      e instanceof FdtError;
    if (!known) throw e;
    throw new RiscvBootError(`cannot boot this kernel: ${e.message}`, { cause: e });
  }
}

function plan(config: RiscvBootConfig): RiscvBootPlan {
  const header = parseImageHeader(config.kernel);
  const layout = computeBootLayout({
    ramSize: config.machine.ramSize,
    kernel: header,
    ...(config.initrd ? { initrdSize: config.initrd.length } : {}),
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
  });
  const machine: RiscvMachineDescription = layout.initrd
    ? { ...config.machine, initrd: layout.initrd }
    : config.machine;
  const dtb = buildDeviceTree(machine);
  const slot = layout.dtb.end - layout.dtb.start;
  if (dtb.length > slot)
    throw new DeviceTreeError(
      `device tree is ${dtb.length} bytes, more than its ${slot}-byte slot`,
    );

  const writes: GuestWrite[] = [{ address: layout.kernel.start, bytes: config.kernel }];
  if (config.initrd && layout.initrd)
    writes.push({ address: layout.initrd.start, bytes: config.initrd });
  writes.push({ address: layout.dtb.start, bytes: dtb });

  const fileEnd = layout.kernel.start + config.kernel.length;
  const zero = fileEnd < layout.kernel.end ? [{ start: fileEnd, end: layout.kernel.end }] : [];
  return {
    header,
    layout,
    dtb,
    bootargs: effectiveBootargs(machine),
    writes,
    zero,
    entry: {
      hart: BOOT_HART,
      pc: layout.kernel.start,
      a0: BOOT_HART,
      a1: layout.dtb.start,
      privilege: PRIVILEGE_SUPERVISOR,
      satp: 0,
    },
  };
}
