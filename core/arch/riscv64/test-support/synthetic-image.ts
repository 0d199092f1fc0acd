/** A minimal RISC-V Linux `Image`: a valid 64-byte header followed by filler bytes. */
export interface SyntheticImageOptions {
  textOffset?: bigint;
  imageSize?: bigint;
  fileSize?: number;
  flags?: bigint;
  withMagic2?: boolean;
  withMagic?: boolean;
}

export function syntheticImage(options: SyntheticImageOptions = {}): Uint8Array {
  const bytes = new Uint8Array(options.fileSize ?? 4096);
  const view = new DataView(bytes.buffer);
  view.setUint32(0x00, 0x0000a21d, true); // code0 (any instruction)
  view.setBigUint64(0x08, options.textOffset ?? 0x20_0000n, true);
  view.setBigUint64(0x10, options.imageSize ?? BigInt(bytes.length + 0x1000), true);
  view.setBigUint64(0x18, options.flags ?? 0n, true);
  view.setUint32(0x20, (0 << 16) | 2, true);
  if (options.withMagic ?? true) bytes.set([0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0], 0x30);
  if (options.withMagic2 ?? true) bytes.set([0x52, 0x53, 0x43, 0x05], 0x38);
  for (let i = 0x40; i < bytes.length; i++) bytes[i] = i & 0xff;
  return bytes;
}
