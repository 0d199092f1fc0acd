/**
 * Constants of the flattened device tree blob format (Devicetree Specification v0.4, chapter 5),
 * shared by the writer and the reader. All header and structure words are big-endian.
 */

export const FDT_MAGIC = 0xd00dfeed;
/** Version written by the writer; readers of version 16 can still parse it. */
export const FDT_VERSION = 17;
export const FDT_LAST_COMPATIBLE_VERSION = 16;
/** Ten big-endian u32 words. */
export const FDT_HEADER_SIZE = 40;

export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Byte offsets of the header fields. */
export const HEADER = {
  magic: 0,
  totalSize: 4,
  offDtStruct: 8,
  offDtStrings: 12,
  offMemRsvmap: 16,
  version: 20,
  lastCompVersion: 24,
  bootCpuidPhys: 28,
  sizeDtStrings: 32,
  sizeDtStruct: 36,
} as const;

/** Thrown for a tree that cannot be encoded, or a blob that cannot be decoded. */
export class FdtError extends Error {
  override readonly name = 'FdtError';
}

/** Round `n` up to a multiple of `alignment` (a power of two). */
export function alignUp(n: number, alignment: number): number {
  return (n + alignment - 1) & ~(alignment - 1);
}

/**
 * UTF-8 bytes of `text` followed by a NUL. core/ has no TextEncoder (lib ES2022 only), and device
 * tree strings are almost always ASCII, so a small encoder is enough. Embedded NULs are refused:
 * they would silently truncate the string (or split a string list) for the guest.
 */
export function encodeCString(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp === 0) throw new FdtError(`string ${JSON.stringify(text)} contains a NUL character`);
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000)
      bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      bytes.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 0x3f),
        0x80 | ((cp >> 6) & 0x3f),
        0x80 | (cp & 0x3f),
      );
  }
  bytes.push(0);
  return Uint8Array.from(bytes);
}

/** Decode UTF-8 bytes (no NUL) back to a string; invalid sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const extra = b0 >= 0xf0 ? 3 : b0 >= 0xe0 ? 2 : b0 >= 0xc0 ? 1 : 0;
    let cp = b0 & (0x3f >> extra);
    let ok = extra > 0;
    for (let k = 1; k <= extra && ok; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += extra + 1;
  }
  return out;
}
