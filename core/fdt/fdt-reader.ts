/**
 * A small flattened device tree reader: decodes a DTB (version 16 or 17) into plain nodes.
 *
 * Used by tests to check what the writer produced, and usable on any blob: every offset and length
 * is bounds-checked and a malformed blob throws {@link FdtError}, never reads outside the bytes.
 */
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FdtError,
  HEADER,
  alignUp,
  decodeUtf8,
} from './fdt-format';

export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface ParsedFdtNode {
  readonly name: string;
  readonly properties: ReadonlyMap<string, Uint8Array>;
  readonly children: readonly ParsedFdtNode[];
}

export interface ParsedFdt {
  readonly version: number;
  readonly lastCompatibleVersion: number;
  readonly bootCpuId: number;
  readonly totalSize: number;
  readonly reservations: readonly FdtReservation[];
  readonly root: ParsedFdtNode;
}

export function parseFdt(blob: Uint8Array): ParsedFdt {
  if (blob.length < FDT_HEADER_SIZE) throw new FdtError('blob is shorter than an FDT header');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const word = (at: number): number => view.getUint32(at);
  if (word(HEADER.magic) !== FDT_MAGIC) throw new FdtError('bad FDT magic');
  const totalSize = word(HEADER.totalSize);
  if (totalSize > blob.length || totalSize < FDT_HEADER_SIZE)
    throw new FdtError(`totalsize ${totalSize} does not match a blob of ${blob.length} bytes`);
  const version = word(HEADER.version);
  if (version < 16) throw new FdtError(`FDT version ${version} is too old`);
  const region = (offset: number, size: number, what: string): void => {
    if (offset > totalSize || size > totalSize - offset)
      throw new FdtError(`${what} block lies outside the blob`);
  };
  const structOffset = word(HEADER.offDtStruct);
  const structSize = word(HEADER.sizeDtStruct);
  const stringsOffset = word(HEADER.offDtStrings);
  const stringsSize = word(HEADER.sizeDtStrings);
  region(structOffset, structSize, 'structure');
  region(stringsOffset, stringsSize, 'strings');
  if (structOffset % 4 !== 0) throw new FdtError('structure block is not 4-byte aligned');

  const reservations = readReservations(view, word(HEADER.offMemRsvmap), totalSize);
  const strings = blob.subarray(stringsOffset, stringsOffset + stringsSize);
  const struct = new StructCursor(blob.subarray(structOffset, structOffset + structSize));
  const root = readStructure(struct, strings);
  return {
    version,
    lastCompatibleVersion: word(HEADER.lastCompVersion),
    bootCpuId: word(HEADER.bootCpuidPhys),
    totalSize,
    reservations,
    root,
  };
}

function readReservations(view: DataView, offset: number, totalSize: number): FdtReservation[] {
  const out: FdtReservation[] = [];
  for (let at = offset; ; at += 16) {
    if (at + 16 > totalSize) throw new FdtError('memory reservation block is not terminated');
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) return out;
    out.push({ address, size });
  }
}

class StructCursor {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(): number {
    if (this.at + 4 > this.bytes.length) throw new FdtError('structure block ends early');
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.at) throw new FdtError('property runs past the block');
    const out = this.bytes.slice(this.at, this.at + length);
    this.at = alignUp(this.at + length, 4);
    return out;
  }

  cString(): string {
    const end = this.bytes.indexOf(0, this.at);
    if (end < 0) throw new FdtError('unterminated node name');
    const name = decodeUtf8(this.bytes.subarray(this.at, end));
    this.at = alignUp(end + 1, 4);
    return name;
  }
}

interface MutableNode {
  name: string;
  properties: Map<string, Uint8Array>;
  children: MutableNode[];
}

function readStructure(cursor: StructCursor, strings: Uint8Array): ParsedFdtNode {
  const stack: MutableNode[] = [];
  let root: MutableNode | undefined;
  for (;;) {
    const token = cursor.u32();
    if (token === FDT_NOP) continue;
    if (token === FDT_BEGIN_NODE) {
      const node: MutableNode = { name: cursor.cString(), properties: new Map(), children: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else if (root) throw new FdtError('more than one root node');
      else root = node;
      stack.push(node);
    } else if (token === FDT_PROP) {
      const node = stack[stack.length - 1];
      if (!node) throw new FdtError('property outside any node');
      const length = cursor.u32();
      const nameOffset = cursor.u32();
      node.properties.set(stringAt(strings, nameOffset), cursor.take(length));
    } else if (token === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtError('unbalanced FDT_END_NODE');
    } else if (token === FDT_END) {
      if (stack.length !== 0 || !root) throw new FdtError('FDT_END inside an open node');
      return root;
    } else {
      throw new FdtError(`unknown structure token 0x${token.toString(16)}`);
    }
  }
}

function stringAt(strings: Uint8Array, offset: number): string {
  const end = strings.indexOf(0, offset);
  if (offset >= strings.length || end < 0) throw new FdtError('bad property name offset');
  return decodeUtf8(strings.subarray(offset, end));
}

/** Find a node by absolute path such as `/cpus/cpu@0` (unit addresses must be spelled out). */
export function findNode(root: ParsedFdtNode, path: string): ParsedFdtNode | undefined {
  let node: ParsedFdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node?.children.find((c) => c.name === part);
  }
  return node;
}

/** Big-endian u32 cells of a property. */
export function propU32s(value: Uint8Array): number[] {
  if (value.length % 4 !== 0) throw new FdtError('property is not a whole number of cells');
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length / 4 }, (_, i) => view.getUint32(i * 4));
}

/** Big-endian u64 values (pairs of cells) of a property. */
export function propU64s(value: Uint8Array): bigint[] {
  if (value.length % 8 !== 0) throw new FdtError('property is not a whole number of u64s');
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length / 8 }, (_, i) => view.getBigUint64(i * 8));
}

/** The NUL-separated strings of a string or string-list property. */
export function propStrings(value: Uint8Array): string[] {
  if (value.length === 0 || value[value.length - 1] !== 0)
    throw new FdtError('string property is not NUL-terminated');
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === 0) {
      out.push(decodeUtf8(value.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}
