/**
 * The header of a RISC-V Linux `Image` (Documentation/riscv/boot-image-header.rst), 64 bytes:
 *
 *   0x00 code0, code1 (u32 each)   0x08 text_offset (u64)   0x10 image_size (u64)
 *   0x18 flags (u64; bit 0 = big-endian)   0x20 version (u32: major << 16 | minor)
 *   0x24 res1 (u32)  0x28 res2 (u64)  0x30 magic "RISCV\0\0\0" (deprecated since 0.2)
 *   0x38 magic2 "RSC\x05"  0x3c res3 (PE/COFF offset)
 *
 * All fields are little-endian. The kernel must be loaded at RAM start + text_offset and needs
 * image_size bytes there (its BSS included), which may exceed the file length.
 */

export const IMAGE_HEADER_SIZE = 64;
const MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0]; // "RISCV\0\0\0"
const MAGIC2 = [0x52, 0x53, 0x43, 0x05]; // "RSC\x05"

export interface RiscvImageHeader {
  /** Offset from the start of RAM where the image must be placed. */
  readonly textOffset: number;
  /** Bytes the kernel occupies once loaded (>= the file length; BSS included). */
  readonly imageSize: number;
  /** Raw flags word. */
  readonly flags: bigint;
  /** Header version, e.g. { major: 0, minor: 2 }. */
  readonly version: { readonly major: number; readonly minor: number };
}

/** A file that is not a loadable little-endian RISC-V Linux Image. */
export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
}

function matches(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((b, i) => bytes[at + i] === b);
}

/** Explain what a non-Image file most likely is, so the error message helps. */
function describeForeignFile(bytes: Uint8Array): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    return 'it is gzip-compressed (decompress Image.gz first)';
  if (matches(bytes, 0, [0x7f, 0x45, 0x4c, 0x46]))
    return 'it is an ELF file (a vmlinux?), not a raw Image';
  if (matches(bytes, 0x202, [0x48, 0x64, 0x72, 0x53])) return 'it is an x86 bzImage';
  if (matches(bytes, 0x38, [0x41, 0x52, 0x4d, 0x64])) return 'it is an arm64 Image';
  return 'the RISC-V magic ("RSC\\x05" at 0x38) is missing';
}

/** Parse and validate the Image header at the start of `bytes`. */
export function parseImageHeader(bytes: Uint8Array): RiscvImageHeader {
  if (bytes.length < IMAGE_HEADER_SIZE)
    throw new ImageFormatError(
      `not a RISC-V Linux Image: ${bytes.length} bytes is shorter than the 64-byte header`,
    );
  if (!matches(bytes, 0x38, MAGIC2) && !matches(bytes, 0x30, MAGIC))
    throw new ImageFormatError(`not a RISC-V Linux Image: ${describeForeignFile(bytes)}`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, IMAGE_HEADER_SIZE);
  const flags = view.getBigUint64(0x18, true);
  if ((flags & 1n) !== 0n)
    throw new ImageFormatError('the Image is a big-endian kernel; this machine is little-endian');
  const textOffset = view.getBigUint64(0x08, true);
  const imageSize = view.getBigUint64(0x10, true);
  const versionWord = view.getUint32(0x20, true);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (textOffset > limit || textOffset % 4096n !== 0n)
    throw new ImageFormatError(
      `Image header text_offset 0x${textOffset.toString(16)} is not a page-aligned offset`,
    );
  if (imageSize === 0n)
    throw new ImageFormatError(
      'Image header image_size is 0 (the header is mandatory for booting)',
    );
  if (imageSize > limit)
    throw new ImageFormatError(`Image header image_size 0x${imageSize.toString(16)} is absurd`);
  return {
    textOffset: Number(textOffset),
    imageSize: Math.max(Number(imageSize), bytes.length),
    flags,
    version: { major: versionWord >>> 16, minor: versionWord & 0xffff },
  };
}
