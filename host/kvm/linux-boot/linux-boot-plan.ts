/**
 * Planning a 64-bit Linux boot from a bzImage (boot protocol ≥ 2.12, 64-bit entry): where each piece
 * goes in guest memory and the register state to start from. Pure: the caller writes `writes` into
 * RAM, loads `sregs` from `sregsForMode('long', …)` (identity map + GDT from x86-boot-state.ts, which
 * `writes` already contains) and `regs`. Nothing here runs the kernel.
 *
 * Memory map (same low layout as Firecracker's, chosen independently of ours to avoid the boot
 * structures): GDT/IDT 0x500, zero page 0x7000, stack below 0x8ff0, page tables 0x9000–0xefff,
 * command line 0x20000, kernel at 0x100000 (protected-mode code; a non-relocatable kernel then
 * decompresses itself to pref_address), initrd as high as allowed, page-aligned.
 */
import { bootStructures, regsForEntry } from '../x86-boot-state';
import type { KvmRegs } from '../kvm-structs';
import { buildBootParams, E820_TYPE, type E820Entry } from './boot-params';
import { BzImageError, parseBzImage } from './bzimage';

export const LINUX_LAYOUT = {
  zeroPage: 0x7000,
  stack: 0x8ff0,
  cmdline: 0x20000,
  kernel: 0x100000,
  /** Start of the EBDA: RAM below it is usable, [EBDA, 1 MiB) is the legacy BIOS/VGA hole. */
  ebda: 0x9fc00,
  /** Start of the 32-bit MMIO hole (devices at 0xd0000000 up to 4 GiB). */
  mmioHole: 0xc0000000,
} as const;
const ONE_MIB = 0x100000;
const PAGE = 0x1000;
/** The 64-bit entry point is 0x200 bytes into the protected-mode kernel (boot.rst, "64-bit BOOT PROTOCOL"). */
const ENTRY_64_OFFSET = 0x200;

export interface LinuxBootInput {
  readonly bzImage: Uint8Array;
  readonly memoryBytes: number;
  readonly cmdline: string;
  readonly initrd?: Uint8Array;
}

export interface LinuxBootPlan {
  /** [guest-physical address, bytes] to copy into RAM (RAM starts at 0). */
  readonly writes: readonly [number, Uint8Array][];
  readonly e820: readonly E820Entry[];
  readonly entry: number;
  readonly regs: KvmRegs;
  readonly initrdAddress: number | undefined;
}

export function e820For(memoryBytes: number): E820Entry[] {
  const entries: E820Entry[] = [{ address: 0, size: LINUX_LAYOUT.ebda, type: E820_TYPE.ram }];
  const lowEnd = Math.min(memoryBytes, LINUX_LAYOUT.mmioHole);
  entries.push({ address: ONE_MIB, size: lowEnd - ONE_MIB, type: E820_TYPE.ram });
  if (memoryBytes > LINUX_LAYOUT.mmioHole) {
    entries.push({
      address: 2 ** 32,
      size: memoryBytes - LINUX_LAYOUT.mmioHole,
      type: E820_TYPE.ram,
    });
  }
  return entries;
}

export function planLinuxBoot(input: LinuxBootInput): LinuxBootPlan {
  const image = parseBzImage(input.bzImage);
  if (!image.supports64BitEntry)
    throw new BzImageError('kernel has no 64-bit entry point (XLF_KERNEL_64 clear)');
  if (!image.loadedHigh)
    throw new BzImageError('zImage (not loaded high) kernels are not supported');
  const cmdline = new TextEncoder().encode(input.cmdline);
  if (cmdline.includes(0) || cmdline.length > image.cmdlineSize) {
    throw new RangeError(
      `command line of ${cmdline.length} bytes exceeds the kernel's ${image.cmdlineSize} (or contains NUL)`,
    );
  }
  if (LINUX_LAYOUT.cmdline + cmdline.length + 1 > LINUX_LAYOUT.ebda)
    throw new RangeError('command line overlaps the EBDA');

  // Where the kernel runs from: its load address if relocatable, else where it decompresses itself.
  const runAddress = image.relocatable
    ? LINUX_LAYOUT.kernel
    : Math.max(LINUX_LAYOUT.kernel, image.prefAddress);
  const kernelEnd = Math.max(
    LINUX_LAYOUT.kernel + image.protectedModeKernel.length,
    runAddress + image.initSize,
  );
  const usableTop = Math.min(input.memoryBytes, LINUX_LAYOUT.mmioHole);
  if (kernelEnd > usableTop) {
    throw new RangeError(
      `kernel needs RAM up to 0x${kernelEnd.toString(16)}, the VM has 0x${usableTop.toString(16)}`,
    );
  }

  let initrdAddress: number | undefined;
  if (input.initrd) {
    const ceiling = Math.min(usableTop, image.initrdAddrMax + 1);
    initrdAddress = Math.floor((ceiling - input.initrd.length) / PAGE) * PAGE;
    if (initrdAddress < kernelEnd)
      throw new RangeError(`initrd of ${input.initrd.length} bytes does not fit above the kernel`);
  }

  const e820 = e820For(input.memoryBytes);
  const bootParams = buildBootParams({
    image,
    cmdlineAddress: LINUX_LAYOUT.cmdline,
    e820,
    ...(input.initrd && initrdAddress !== undefined
      ? { initrd: { address: initrdAddress, size: input.initrd.length } }
      : {}),
  });
  const writes: [number, Uint8Array][] = [
    ...bootStructures('long'),
    [LINUX_LAYOUT.zeroPage, bootParams],
    [LINUX_LAYOUT.cmdline, Uint8Array.of(...cmdline, 0)],
    [LINUX_LAYOUT.kernel, image.protectedModeKernel],
  ];
  if (input.initrd && initrdAddress !== undefined) writes.push([initrdAddress, input.initrd]);
  const entry = LINUX_LAYOUT.kernel + ENTRY_64_OFFSET;
  return {
    writes,
    e820,
    entry,
    regs: regsForEntry(entry, LINUX_LAYOUT.stack, LINUX_LAYOUT.zeroPage),
    initrdAddress,
  };
}
