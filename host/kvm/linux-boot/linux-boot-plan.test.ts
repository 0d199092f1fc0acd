import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BOOT_LAYOUT } from '../x86-boot-state';
import { BOOT_PARAMS_OFFSET } from '../../../core/arch/x86_64/boot/boot-params';
import { BzImageError, parseBzImage, SETUP_HEADER } from '../../../core/arch/x86_64/boot/bzimage';
import { E820_ENTRY_BYTES, E820_TYPE } from '../../../core/arch/x86_64/boot/e820';
import { parseMpTable } from '../../../core/arch/x86_64/boot/mp-table';
import { X86_LAYOUT as LINUX_LAYOUT } from '../../../core/arch/x86_64/memory-map';
import { planLinuxBoot } from './linux-boot-plan';

const KERNEL = new URL('../../../public/images/x86_64/bzImage', import.meta.url);
const INITRD = new URL('../../../public/images/x86_64/initramfs.cpio.gz', import.meta.url);
const VMLINUX = new URL('../../../public/images/x86_64/vmlinux.gz', import.meta.url);
const haveKernel = existsSync(KERNEL);
const haveVmlinux = existsSync(VMLINUX);
if (!haveVmlinux) console.log(`skipping PVH tests: ${VMLINUX.pathname} not built yet`);
if (!haveKernel) console.log(`skipping bzImage tests: ${KERNEL.pathname} not built yet`);
const MEMORY = 128 * 1024 * 1024;

describe('bzImage header parsing (hostile input)', () => {
  it('rejects short, foreign and old images with a BzImageError', () => {
    expect(() => parseBzImage(new Uint8Array(100))).toThrow(BzImageError);
    expect(() => parseBzImage(new Uint8Array(4096))).toThrow(/magic/);
    const old = new Uint8Array(4096);
    const view = new DataView(old.buffer);
    view.setUint16(SETUP_HEADER.bootFlag, 0xaa55, true);
    view.setUint32(SETUP_HEADER.header, 0x53726448, true);
    view.setUint16(SETUP_HEADER.version, 0x202, true);
    expect(() => parseBzImage(old)).toThrow(/older than 2.12/);
    view.setUint16(SETUP_HEADER.version, 0x20f, true);
    old[SETUP_HEADER.jump + 1] = 0x6a;
    old[SETUP_HEADER.setupSects] = 200; // setup larger than the file
    expect(() => parseBzImage(old)).toThrow(/covers the whole/);
  });
});

describe.skipIf(!haveKernel)('64-bit Linux boot plan for public/images/x86_64/bzImage', () => {
  const bzImage = haveKernel ? new Uint8Array(readFileSync(KERNEL)) : new Uint8Array();
  const initrd =
    haveKernel && existsSync(INITRD)
      ? new Uint8Array(readFileSync(INITRD))
      : Uint8Array.of(1, 2, 3);

  it('reads the setup header of the kernel', () => {
    const image = parseBzImage(bzImage);
    expect(image.protocol).toBeGreaterThanOrEqual(0x20c);
    expect(image.supports64BitEntry).toBe(true);
    expect(image.loadedHigh).toBe(true);
    expect(image.protectedModeKernel.length).toBe(bzImage.length - (image.setupSects + 1) * 512);
    expect(image.cmdlineSize).toBeGreaterThan(255);
  });

  it('lays out zero page, command line, kernel and initrd without overlaps', () => {
    const plan = planLinuxBoot({
      kernel: bzImage,
      memoryBytes: MEMORY,
      cmdline: 'console=ttyS0 panic=1',
      initrd,
    });
    const ranges = plan.writes
      .map(([address, bytes]) => [address, address + bytes.length] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i]?.[0]).toBeGreaterThanOrEqual(ranges[i - 1]?.[1] ?? 0);
    for (const [, end] of ranges) expect(end).toBeLessThanOrEqual(MEMORY);
    expect(plan.entry).toBe(LINUX_LAYOUT.kernel + 0x200);
    expect(plan.regs.rsi).toBe(BigInt(LINUX_LAYOUT.zeroPage));
    expect(plan.regs.rip).toBe(BigInt(plan.entry));
    expect(plan.initrdAddress ?? 0).toBeGreaterThan(LINUX_LAYOUT.kernel);
    expect((plan.initrdAddress ?? 1) % 4096).toBe(0);
    const kernel = plan.writes.find(([address]) => address === LINUX_LAYOUT.kernel)?.[1];
    expect(kernel?.[0]).toBe(parseBzImage(bzImage).protectedModeKernel[0]);
    expect(plan.writes.some(([address]) => address === BOOT_LAYOUT.pml4)).toBe(true);
  });

  it('fills boot_params: setup header, loader id, command line, initrd and e820', () => {
    const plan = planLinuxBoot({
      kernel: bzImage,
      memoryBytes: MEMORY,
      cmdline: 'console=ttyS0',
      initrd,
    });
    const zeroPage =
      plan.writes.find(([address]) => address === LINUX_LAYOUT.zeroPage)?.[1] ?? new Uint8Array();
    const view = new DataView(zeroPage.buffer, zeroPage.byteOffset);
    expect(view.getUint32(SETUP_HEADER.header, true)).toBe(0x53726448);
    expect(view.getUint8(SETUP_HEADER.typeOfLoader)).toBe(0xff);
    expect(view.getUint32(SETUP_HEADER.cmdLinePtr, true)).toBe(LINUX_LAYOUT.cmdline);
    expect(view.getUint32(SETUP_HEADER.ramdiskImage, true)).toBe(plan.initrdAddress);
    expect(view.getUint32(SETUP_HEADER.ramdiskSize, true)).toBe(initrd.length);
    expect(view.getUint8(BOOT_PARAMS_OFFSET.e820Entries)).toBe(2);
    const second = BOOT_PARAMS_OFFSET.e820Table + E820_ENTRY_BYTES;
    expect(view.getBigUint64(second, true)).toBe(0x100000n);
    expect(view.getBigUint64(second + 8, true)).toBe(BigInt(MEMORY - 0x100000));
    expect(view.getUint32(second + 16, true)).toBe(E820_TYPE.ram);
    const cmdline = plan.writes.find(([address]) => address === LINUX_LAYOUT.cmdline)?.[1];
    expect(new TextDecoder().decode(cmdline)).toBe('console=ttyS0\0');
  });

  it('refuses VMs too small for the kernel and command lines longer than it accepts', () => {
    expect(() =>
      planLinuxBoot({ kernel: bzImage, memoryBytes: 4 * 1024 * 1024, cmdline: '' }),
    ).toThrow(/needs RAM/);
    expect(() =>
      planLinuxBoot({ kernel: bzImage, memoryBytes: MEMORY, cmdline: 'x'.repeat(70000) }),
    ).toThrow(/command line/);
    expect(() => planLinuxBoot({ kernel: bzImage, memoryBytes: MEMORY, cmdline: 'a\0b' })).toThrow(
      /NUL/,
    );
  });
});

describe.skipIf(!haveKernel)('MP table in the boot plan', () => {
  it('writes an MP table announcing every vCPU, with the virtio pins level-triggered', () => {
    const plan = planLinuxBoot({
      kernel: new Uint8Array(readFileSync(KERNEL)),
      memoryBytes: MEMORY,
      cmdline: 'console=ttyS0',
      cpus: 2,
      levelTriggeredPins: [5],
    });
    const [address, bytes] = plan.writes.find(([at]) => at === LINUX_LAYOUT.mpTable) ?? [
      0,
      new Uint8Array(),
    ];
    const parsed = parseMpTable(bytes, address);
    expect(parsed.processors.map((p) => p.lapicId)).toEqual([0, 1]);
    expect(parsed.ioInterrupts[5]?.flags).toBe(0b1101);
    expect(parsed.ioInterrupts[4]?.flags).toBe(0);
  });
});

describe.skipIf(!haveVmlinux)('PVH boot plan for public/images/x86_64/vmlinux', () => {
  const vmlinux = haveVmlinux
    ? new Uint8Array(gunzipSync(readFileSync(VMLINUX)))
    : new Uint8Array();

  it('loads the ELF segments, enters 32-bit protected mode at the PVH entry with EBX = start info', () => {
    const initrd = new Uint8Array(8192).fill(7);
    const plan = planLinuxBoot({
      kernel: vmlinux,
      memoryBytes: MEMORY,
      cmdline: 'console=ttyS0',
      initrd,
    });
    expect(plan.format).toBe('pvh');
    expect(plan.mode).toBe('protected');
    expect(plan.regs.rip).toBe(BigInt(plan.entry));
    expect(plan.regs.rbx).toBe(BigInt(LINUX_LAYOUT.pvhStartInfo));
    expect(plan.entry).toBeGreaterThanOrEqual(0x100000);
    expect(plan.entry).toBeLessThan(2 ** 32);
    const startInfo = plan.writes.find(([at]) => at === LINUX_LAYOUT.pvhStartInfo)?.[1];
    const view = new DataView(startInfo!.buffer, startInfo!.byteOffset);
    expect(view.getUint32(0, true)).toBe(0x336ec578);
    expect(view.getUint32(12, true)).toBe(1);
    expect(view.getUint32(48, true)).toBe(2);
    const ranges = plan.writes
      .map(([at, bytes]) => [at, at + bytes.length] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i]?.[0]).toBeGreaterThanOrEqual(ranges[i - 1]?.[1] ?? 0);
    expect(plan.initrdAddress! % 4096).toBe(0);
  });
});
