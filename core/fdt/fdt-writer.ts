/**
 * A generic flattened device tree (DTB, version 17) writer.
 *
 * Build a tree of {@link FdtNode}s, each holding ordered properties whose values are encoded to
 * big-endian bytes as they are set, then call {@link FdtBuilder.toBytes}. The strings block is
 * deduplicated (each property name is stored once), the memory reservation block holds whatever
 * {@link FdtBuilder.addReservation} was given. Encoding problems (bad names, NULs inside strings,
 * out-of-range integers) throw {@link FdtError}: a tree is built by the VMM from its own
 * configuration, never from guest input.
 */
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_LAST_COMPATIBLE_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_VERSION,
  FdtError,
  HEADER,
  alignUp,
  encodeCString,
} from './fdt-format';

/** An integer that fits in 64 bits unsigned; numbers must be safe integers. */
export type U64 = number | bigint;

const U64_MAX = (1n << 64n) - 1n;
const NAME_PATTERN = /^[0-9A-Za-z,._+@-]+$/;
const PROP_NAME_PATTERN = /^[0-9A-Za-z,._+?#-]+$/;

function toU64(value: U64, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new FdtError(`${what}: ${value} is not a safe integer`);
  const big = BigInt(value);
  if (big < 0n || big > U64_MAX) throw new FdtError(`${what}: ${value} does not fit in 64 bits`);
  return big;
}

function checkU32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
    throw new FdtError(`${what}: ${value} is not a 32-bit unsigned integer`);
  return value;
}

function u32Bytes(values: readonly number[], what: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, checkU32(v, what)));
  return bytes;
}

function u64Bytes(values: readonly U64[], what: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, toU64(v, what)));
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One node of the tree: a name (with optional `@unit-address`), properties and children. */
export class FdtNode {
  private readonly props = new Map<string, Uint8Array>();
  private readonly kids: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name !== '' && !NAME_PATTERN.test(name))
      throw new FdtError(`invalid node name ${JSON.stringify(name)}`);
  }

  /** Create, attach and return a child node. Sibling names must be unique. */
  addNode(name: string): FdtNode {
    if (this.kids.some((k) => k.name === name))
      throw new FdtError(`node ${JSON.stringify(this.name)} already has a child ${name}`);
    const child = new FdtNode(name);
    this.kids.push(child);
    return child;
  }

  get children(): readonly FdtNode[] {
    return this.kids;
  }

  /** Properties in insertion order (re-setting a name keeps its original position). */
  get properties(): ReadonlyMap<string, Uint8Array> {
    return this.props;
  }

  /** Raw property bytes, exactly as given. */
  setBytes(name: string, value: Uint8Array): this {
    if (name === '' || !PROP_NAME_PATTERN.test(name))
      throw new FdtError(`invalid property name ${JSON.stringify(name)}`);
    if (name.length > 31) throw new FdtError(`property name ${name} is longer than 31 characters`);
    this.props.set(name, Uint8Array.from(value));
    return this;
  }

  /** A property without a value (a boolean flag such as `interrupt-controller`). */
  setEmpty(name: string): this {
    return this.setBytes(name, new Uint8Array(0));
  }

  setU32(name: string, value: number): this {
    return this.setBytes(name, u32Bytes([value], name));
  }

  setU32Array(name: string, values: readonly number[]): this {
    return this.setBytes(name, u32Bytes(values, name));
  }

  /** A 64-bit value as two cells, most significant first. */
  setU64(name: string, value: U64): this {
    return this.setBytes(name, u64Bytes([value], name));
  }

  setU64Array(name: string, values: readonly U64[]): this {
    return this.setBytes(name, u64Bytes(values, name));
  }

  setString(name: string, value: string): this {
    return this.setBytes(name, encodeCString(value));
  }

  /** Several NUL-terminated strings back to back (`compatible = "a", "b"`). */
  setStringList(name: string, values: readonly string[]): this {
    return this.setBytes(name, concat(values.map(encodeCString)));
  }

  /** The node's own `phandle` property, so other nodes can refer to it. */
  setPhandle(phandle: number): this {
    if (phandle === 0 || phandle === 0xffff_ffff)
      throw new FdtError(`phandle ${phandle} is reserved`);
    return this.setU32('phandle', phandle);
  }
}

/** A whole device tree: the root node, the memory reservations and the boot CPU. */
export class FdtBuilder {
  readonly root = new FdtNode('');
  private readonly reservations: [bigint, bigint][] = [];
  private nextPhandle = 1;
  bootCpuId = 0;

  /** Add an entry to the memory reservation block (memory the OS must not use). */
  addReservation(address: U64, size: U64): this {
    this.reservations.push([
      toU64(address, 'reservation address'),
      toU64(size, 'reservation size'),
    ]);
    return this;
  }

  /** Give `node` a fresh phandle (1, 2, ...) and return it. */
  allocatePhandle(node: FdtNode): number {
    const phandle = this.nextPhandle++;
    node.setPhandle(phandle);
    return phandle;
  }

  /** Serialize to a DTB v17 blob: header, reservation block, structure block, strings block. */
  toBytes(): Uint8Array {
    const strings = new StringsTable();
    const structure = new WordWriter();
    emitNode(this.root, structure, strings);
    structure.u32(FDT_END);
    const structBytes = structure.bytes();
    const stringBytes = strings.bytes();

    const rsvOffset = alignUp(FDT_HEADER_SIZE, 8);
    const rsvSize = (this.reservations.length + 1) * 16;
    const structOffset = alignUp(rsvOffset + rsvSize, 4);
    const stringsOffset = structOffset + structBytes.length;
    const totalSize = stringsOffset + stringBytes.length;

    const blob = new Uint8Array(totalSize);
    const view = new DataView(blob.buffer);
    view.setUint32(HEADER.magic, FDT_MAGIC);
    view.setUint32(HEADER.totalSize, totalSize);
    view.setUint32(HEADER.offDtStruct, structOffset);
    view.setUint32(HEADER.offDtStrings, stringsOffset);
    view.setUint32(HEADER.offMemRsvmap, rsvOffset);
    view.setUint32(HEADER.version, FDT_VERSION);
    view.setUint32(HEADER.lastCompVersion, FDT_LAST_COMPATIBLE_VERSION);
    view.setUint32(HEADER.bootCpuidPhys, checkU32(this.bootCpuId, 'boot CPU id'));
    view.setUint32(HEADER.sizeDtStrings, stringBytes.length);
    view.setUint32(HEADER.sizeDtStruct, structBytes.length);
    this.reservations.forEach(([address, size], i) => {
      view.setBigUint64(rsvOffset + i * 16, address);
      view.setBigUint64(rsvOffset + i * 16 + 8, size);
    });
    // The terminating (0, 0) entry is already zero.
    blob.set(structBytes, structOffset);
    blob.set(stringBytes, stringsOffset);
    return blob;
  }
}

function emitNode(node: FdtNode, out: WordWriter, strings: StringsTable): void {
  out.u32(FDT_BEGIN_NODE);
  out.padded(encodeCString(node.name));
  for (const [name, value] of node.properties) {
    out.u32(FDT_PROP);
    out.u32(value.length);
    out.u32(strings.offsetOf(name));
    out.padded(value);
  }
  for (const child of node.children) emitNode(child, out, strings);
  out.u32(FDT_END_NODE);
}

/** The strings block: every property name once, referred to by byte offset. */
class StringsTable {
  private readonly offsets = new Map<string, number>();
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  offsetOf(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const encoded = encodeCString(name);
    const offset = this.size;
    this.offsets.set(name, offset);
    this.parts.push(encoded);
    this.size += encoded.length;
    return offset;
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

/** The structure block: big-endian words and byte runs padded to 4 bytes. */
class WordWriter {
  private readonly parts: Uint8Array[] = [];

  u32(value: number): void {
    this.parts.push(u32Bytes([value], 'structure word'));
  }

  padded(bytes: Uint8Array): void {
    const out = new Uint8Array(alignUp(bytes.length, 4));
    out.set(bytes);
    this.parts.push(out);
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}
