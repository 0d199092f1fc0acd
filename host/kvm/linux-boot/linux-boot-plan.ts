/**
 * Planning an x86_64 Linux boot: where each piece goes in guest memory and the CPU state to start
 * from. Two kernel formats, told apart by their first bytes:
 *  - **bzImage** (boot protocol ≥ 2.12): the protected-mode kernel at 1 MiB, entered at its 64-bit
 *    entry (+0x200) in long mode with our identity map + GDT and RSI = boot_params;
 *  - **vmlinux ELF with a PVH note**: PT_LOAD segments at their physical addresses, entered at the
 *    PHYS32 entry in flat 32-bit protected mode (paging off) with EBX = hvm_start_info.
 * Both get the same e820 map, command line, initrd (page-aligned, as high as the kernel allows below
 * the MMIO hole) and MP table (CPUs, IOAPIC, interrupt routing for SMP without ACPI).
 *
 * Pure: the caller writes `writes` into RAM and loads `sregsForMode(plan.mode, …)` and `regs`.
 */
import { buildBootParams } from '../../../core/arch/x86_64/boot/boot-params';
import { BzImageError, parseBzImage } from '../../../core/arch/x86_64/boot/bzimage';
import { e820For, type E820Entry } from '../../../core/arch/x86_64/boot/e820';
import { buildMpTable } from '../../../core/arch/x86_64/boot/mp-table';
import { buildStartInfo, isElf, parsePvhKernel } from '../../../core/arch/x86_64/boot/pvh';
import { X86_LAYOUT } from '../../../core/arch/x86_64/memory-map';
import type { KvmRegs } from '../kvm-structs';
import { bootStructures, regsForEntry, type CpuMode } from '../x86-boot-state';

const PAGE = 0x1000;
/** The 64-bit entry point is 0x200 bytes into the protected-mode kernel (boot.rst, "64-bit BOOT PROTOCOL"). */
const ENTRY_64_OFFSET = 0x200;
/** Initrd ceiling for PVH kernels (no header to ask): below 2 GiB like Linux's default initrd_addr_max. */
const PVH_INITRD_MAX = 0x7fffffff;

export class LinuxBootError extends Error {
  override name = 'LinuxBootError';
}

export interface LinuxBootInput {
  /** bzImage or vmlinux (ELF with the PVH note). */
  readonly kernel: Uint8Array;
  readonly memoryBytes: number;
  readonly cmdline: string;
  readonly initrd?: Uint8Array;
  /** vCPUs announced in the MP table (default 1). */
  readonly cpus?: number;
  /** IOAPIC pins of level-triggered devices (the virtio slots). */
  readonly levelTriggeredPins?: readonly number[];
}

export interface LinuxBootPlan {
  readonly format: 'bzImage' | 'pvh';
  /** [guest-physical address, bytes] to copy into RAM (RAM starts at 0). */
  readonly writes: readonly [number, Uint8Array][];
  readonly e820: readonly E820Entry[];
  readonly entry: number;
  readonly mode: CpuMode;
  readonly regs: KvmRegs;
  readonly initrdAddress: number | undefined;
}

interface KernelPlacement {
  readonly writes: [number, Uint8Array][];
  readonly end: number;
  readonly entry: number;
  readonly initrdMax: number;
  readonly cmdlineMax: number;
}

function placeBzImage(
  file: Uint8Array,
): KernelPlacement & { image: ReturnType<typeof parseBzImage> } {
  const image = parseBzImage(file);
  if (!image.supports64BitEntry)
    throw new BzImageError('kernel has no 64-bit entry point (XLF_KERNEL_64 clear)');
  if (!image.loadedHigh)
    throw new BzImageError('zImage (not loaded high) kernels are not supported');
  // Where the kernel runs from: its load address if relocatable, else where it decompresses itself.
  const runAddress = image.relocatable
    ? X86_LAYOUT.kernel
    : Math.max(X86_LAYOUT.kernel, image.prefAddress);
  return {
    image,
    writes: [[X86_LAYOUT.kernel, image.protectedModeKernel]],
    end: Math.max(
      X86_LAYOUT.kernel + image.protectedModeKernel.length,
      runAddress + image.initSize,
    ),
    entry: X86_LAYOUT.kernel + ENTRY_64_OFFSET,
    initrdMax: image.initrdAddrMax,
    cmdlineMax: image.cmdlineSize,
  };
}

function placePvh(file: Uint8Array): KernelPlacement {
  const kernel = parsePvhKernel(file);
  let end = 0;
  const writes: [number, Uint8Array][] = [];
  for (const segment of kernel.segments) {
    if (segment.physicalAddress < X86_LAYOUT.kernel)
      throw new LinuxBootError(
        `ELF segment at 0x${segment.physicalAddress.toString(16)} overlaps the boot structures below 1 MiB`,
      );
    writes.push([segment.physicalAddress, segment.bytes]);
    end = Math.max(end, segment.physicalAddress + segment.memorySize);
  }
  return {
    writes,
    end,
    entry: kernel.entry,
    initrdMax: PVH_INITRD_MAX,
    cmdlineMax: X86_LAYOUT.cmdlineMax - 1,
  };
}

export function planLinuxBoot(input: LinuxBootInput): LinuxBootPlan {
  const format = isElf(input.kernel) ? 'pvh' : 'bzImage';
  const bzImage = format === 'bzImage' ? placeBzImage(input.kernel) : undefined;
  const placed = bzImage ?? placePvh(input.kernel);
  const cmdline = new TextEncoder().encode(input.cmdline);
  if (
    cmdline.includes(0) ||
    cmdline.length > Math.min(placed.cmdlineMax, X86_LAYOUT.cmdlineMax - 1)
  ) {
    throw new RangeError(
      `command line of ${cmdline.length} bytes exceeds the kernel's ${placed.cmdlineMax} (or contains NUL)`,
    );
  }
  const usableTop = Math.min(input.memoryBytes, X86_LAYOUT.mmioHole);
  if (placed.end > usableTop) {
    throw new RangeError(
      `kernel needs RAM up to 0x${placed.end.toString(16)}, the VM has 0x${usableTop.toString(16)}`,
    );
  }
  let initrd: { address: number; size: number } | undefined;
  if (input.initrd) {
    const ceiling = Math.min(usableTop, placed.initrdMax + 1);
    const address = Math.floor((ceiling - input.initrd.length) / PAGE) * PAGE;
    if (address < placed.end)
      throw new RangeError(`initrd of ${input.initrd.length} bytes does not fit above the kernel`);
    initrd = { address, size: input.initrd.length };
  }

  const e820 = e820For(input.memoryBytes);
  const mpTable = buildMpTable({
    cpus: input.cpus ?? 1,
    ...(input.levelTriggeredPins ? { levelTriggeredPins: input.levelTriggeredPins } : {}),
  });
  const mode: CpuMode = format === 'pvh' ? 'protected' : 'long';
  const writes: [number, Uint8Array][] = [
    ...bootStructures(mode),
    [mpTable.address, mpTable.bytes],
    [X86_LAYOUT.cmdline, Uint8Array.of(...cmdline, 0)],
    ...placed.writes,
  ];
  if (input.initrd && initrd) writes.push([initrd.address, input.initrd]);
  const initrdField = initrd ? { initrd } : {};
  let regs: KvmRegs;
  if (bzImage) {
    const bootParams = buildBootParams({
      image: bzImage.image,
      cmdlineAddress: X86_LAYOUT.cmdline,
      e820,
      ...initrdField,
    });
    writes.push([X86_LAYOUT.zeroPage, bootParams]);
    regs = regsForEntry(placed.entry, X86_LAYOUT.stack, X86_LAYOUT.zeroPage);
  } else {
    const startInfo = buildStartInfo({
      address: X86_LAYOUT.pvhStartInfo,
      cmdlineAddress: X86_LAYOUT.cmdline,
      e820,
      ...initrdField,
    });
    writes.push([X86_LAYOUT.pvhStartInfo, startInfo]);
    regs = { ...regsForEntry(placed.entry, 0), rbx: BigInt(X86_LAYOUT.pvhStartInfo) };
  }
  return { format, writes, e820, entry: placed.entry, mode, regs, initrdAddress: initrd?.address };
}
