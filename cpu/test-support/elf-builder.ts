// Builds minimal ELF64 little-endian executables for tests (header + PT_LOAD program headers).

export interface SegmentSpec {
  paddr: bigint;
  data: Uint8Array;
  /** Memory size (>= data length; the rest is zero-filled bss). */
  memSize?: number;
}

export interface ElfSpec {
  entry: bigint;
  segments: SegmentSpec[];
  machine?: number;
  elfClass?: number;
  type?: number;
}

export function buildElf(spec: ElfSpec): Uint8Array {
  const headerSize = 64;
  const phSize = 56;
  let offset = headerSize + phSize * spec.segments.length;
  const placed = spec.segments.map((segment) => {
    const at = offset;
    offset += segment.data.length;
    return at;
  });
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 2, 1, 1]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, spec.machine ?? 243, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, spec.entry, true);
  view.setBigUint64(32, BigInt(headerSize), true);
  view.setUint16(52, headerSize, true);
  view.setUint16(54, phSize, true);
  view.setUint16(56, spec.segments.length, true);
  spec.segments.forEach((segment, i) => {
    const ph = headerSize + i * phSize;
    view.setUint32(ph, 1, true); // PT_LOAD
    view.setUint32(ph + 4, 7, true);
    view.setBigUint64(ph + 8, BigInt(placed[i]!), true);
    view.setBigUint64(ph + 16, segment.paddr, true);
    view.setBigUint64(ph + 24, segment.paddr, true);
    view.setBigUint64(ph + 32, BigInt(segment.data.length), true);
    view.setBigUint64(ph + 40, BigInt(segment.memSize ?? segment.data.length), true);
    bytes.set(segment.data, placed[i]!);
  });
  return bytes;
}

/** Instruction words as little-endian bytes. */
export function words(list: number[]): Uint8Array {
  const out = new Uint8Array(list.length * 4);
  const view = new DataView(out.buffer);
  list.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}
