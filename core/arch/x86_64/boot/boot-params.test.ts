import { describe, expect, it } from 'vitest';
import { BOOT_PARAMS_BYTES, BOOT_PARAMS_OFFSET, buildBootParams } from './boot-params';
import { parseBzImage, SETUP_HEADER } from './bzimage';
import { E820_ENTRY_BYTES, e820For } from './e820';

/** A bzImage-shaped file: 4 setup sectors (header only) and a 512-byte "kernel". */
function fakeBzImage(): Uint8Array {
  const file = new Uint8Array(5 * 512 + 512);
  const view = new DataView(file.buffer);
  file[SETUP_HEADER.setupSects] = 4;
  view.setUint16(SETUP_HEADER.bootFlag, 0xaa55, true);
  file[SETUP_HEADER.jump] = 0xeb;
  file[SETUP_HEADER.jump + 1] = 0x6a; // header ends at 0x26c
  view.setUint32(SETUP_HEADER.header, 0x53726448, true);
  view.setUint16(SETUP_HEADER.version, 0x20f, true);
  file[SETUP_HEADER.loadflags] = 1;
  view.setUint16(SETUP_HEADER.xloadflags, 1, true);
  view.setUint32(SETUP_HEADER.cmdlineSize, 2047, true);
  view.setUint32(SETUP_HEADER.initrdAddrMax, 0x7fffffff, true);
  return file;
}

describe('boot_params (zero page)', () => {
  it('copies the setup header and fills loader, command line, initrd and e820', () => {
    const image = parseBzImage(fakeBzImage());
    expect(image.protocol).toBe(0x20f);
    expect(image.supports64BitEntry).toBe(true);
    const e820 = e820For(6 * 2 ** 30);
    const bytes = buildBootParams({
      image,
      cmdlineAddress: 0x1_0002_0000,
      initrd: { address: 0x7f00000, size: 4096 },
      e820,
    });
    expect(bytes.length).toBe(BOOT_PARAMS_BYTES);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(SETUP_HEADER.header, true)).toBe(0x53726448);
    expect(view.getUint16(SETUP_HEADER.bootFlag, true)).toBe(0xaa55);
    expect(view.getUint8(SETUP_HEADER.typeOfLoader)).toBe(0xff);
    expect(view.getUint32(SETUP_HEADER.cmdLinePtr, true)).toBe(0x20000);
    expect(view.getUint32(BOOT_PARAMS_OFFSET.extCmdLinePtr, true)).toBe(1);
    expect(view.getUint32(SETUP_HEADER.ramdiskImage, true)).toBe(0x7f00000);
    expect(view.getUint32(SETUP_HEADER.ramdiskSize, true)).toBe(4096);
    expect(view.getUint8(BOOT_PARAMS_OFFSET.e820Entries)).toBe(3);
    const third = BOOT_PARAMS_OFFSET.e820Table + 2 * E820_ENTRY_BYTES;
    expect(view.getBigUint64(third, true)).toBe(2n ** 32n);
    expect(view.getBigUint64(third + 8, true)).toBe(BigInt(6 * 2 ** 30 - 0xc0000000));
    expect(view.getUint32(third + 16, true)).toBe(1);
  });

  it('refuses more e820 entries than the zero page holds', () => {
    const image = parseBzImage(fakeBzImage());
    const e820 = Array.from({ length: 129 }, (_, i) => ({ address: i, size: 1, type: 1 }));
    expect(() => buildBootParams({ image, cmdlineAddress: 0, e820 })).toThrow(RangeError);
  });
});
