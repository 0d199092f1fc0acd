import { describe, it, expect } from 'vitest';
import { ImageFormatError, parseImageHeader } from './image-header';
import { syntheticImage } from './test-support/synthetic-image';

describe('parseImageHeader', () => {
  it('reads text_offset, image_size, flags and version', () => {
    const header = parseImageHeader(syntheticImage({ imageSize: 0x38_f020n, fileSize: 8192 }));
    expect(header).toEqual({
      textOffset: 0x20_0000,
      imageSize: 0x38_f020,
      flags: 0n,
      version: { major: 0, minor: 2 },
    });
  });

  it('accepts either magic alone (magic is deprecated, old headers lack magic2)', () => {
    expect(() => parseImageHeader(syntheticImage({ withMagic: false }))).not.toThrow();
    expect(() => parseImageHeader(syntheticImage({ withMagic2: false }))).not.toThrow();
  });

  it('never reports an image smaller than the file itself', () => {
    expect(parseImageHeader(syntheticImage({ fileSize: 8192, imageSize: 100n })).imageSize).toBe(
      8192,
    );
  });

  it('explains what a foreign file is', () => {
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.of(1, 2, 3), /shorter than the 64-byte header/],
      [Uint8Array.from([0x1f, 0x8b, ...new Array(100).fill(0)]), /gzip/],
      [Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, ...new Array(100).fill(0)]), /ELF/],
      [new Uint8Array(128), /RISC-V magic/],
    ];
    const bz = new Uint8Array(0x300);
    bz.set([0x48, 0x64, 0x72, 0x53], 0x202);
    cases.push([bz, /bzImage/]);
    const arm = new Uint8Array(128);
    arm.set([0x41, 0x52, 0x4d, 0x64], 0x38);
    cases.push([arm, /arm64/]);
    for (const [bytes, message] of cases) {
      expect(() => parseImageHeader(bytes)).toThrow(ImageFormatError);
      expect(() => parseImageHeader(bytes)).toThrow(message);
    }
  });

  it('refuses big-endian kernels, a zero image_size and unaligned or huge offsets', () => {
    expect(() => parseImageHeader(syntheticImage({ flags: 1n }))).toThrow(/big-endian/);
    expect(() => parseImageHeader(syntheticImage({ imageSize: 0n }))).toThrow(/image_size is 0/);
    expect(() => parseImageHeader(syntheticImage({ textOffset: 0x123n }))).toThrow(/text_offset/);
    expect(() => parseImageHeader(syntheticImage({ textOffset: 1n << 60n }))).toThrow(
      ImageFormatError,
    );
    expect(() => parseImageHeader(syntheticImage({ imageSize: 1n << 62n }))).toThrow(
      ImageFormatError,
    );
  });
});
