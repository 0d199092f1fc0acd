import { crc32 } from './crc32';
import { SnapshotError } from './snapshot-error';
import { decodeUtf8, encodeUtf8 } from './utf8';

/**
 * The snapshot container, version 1 (all integers little-endian):
 *
 *   0   8   magic "KDLSNAP\0"
 *   8   4   format version (1)
 *   12  4   header length H
 *   16  H   header: UTF-8 JSON {kindlingVersion, arch, createdAtMs?, sections: [{name, length, crc32}]}
 *   ..      section payloads, in table order, back to back
 *   end 4   CRC-32 of every byte before it
 *
 * A section is opaque bytes (JSON device state, raw guest memory...). Memory may live in a
 * separate file: it is then simply not a section of this one.
 */
export const SNAPSHOT_MAGIC = Uint8Array.from([0x4b, 0x44, 0x4c, 0x53, 0x4e, 0x41, 0x50, 0x00]);
export const SNAPSHOT_FORMAT_VERSION = 1;
const FIXED_PREFIX = 16;
const TRAILER = 4;
/** A header is a small table; refusing big ones early avoids parsing garbage. */
const MAX_HEADER_BYTES = 1 << 20;

export interface SnapshotHeader {
  kindlingVersion: string;
  arch: string;
  createdAtMs?: number;
}

export interface SnapshotContents {
  header: SnapshotHeader;
  sections: Map<string, Uint8Array>;
}

interface SectionEntry {
  name: string;
  length: number;
  crc32: number;
}

export interface DecodeOptions {
  /** Section names that must be present (default: none). */
  requiredSections?: readonly string[];
}

export function encodeSnapshot(
  header: SnapshotHeader,
  sections: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
): Uint8Array {
  const entries = sections instanceof Map ? [...sections] : Object.entries(sections);
  const table: SectionEntry[] = entries.map(([name, bytes]) => {
    if (!isSectionName(name))
      throw new SnapshotError(`invalid section name ${JSON.stringify(name)}`);
    return { name, length: bytes.length, crc32: crc32(bytes) };
  });
  const headerJson: Record<string, unknown> = {
    kindlingVersion: header.kindlingVersion,
    arch: header.arch,
    sections: table,
  };
  if (header.createdAtMs !== undefined) headerJson['createdAtMs'] = header.createdAtMs;
  const headerBytes = encodeUtf8(JSON.stringify(headerJson));
  const payloadLength = table.reduce((sum, s) => sum + s.length, 0);
  const out = new Uint8Array(FIXED_PREFIX + headerBytes.length + payloadLength + TRAILER);
  const view = new DataView(out.buffer);
  out.set(SNAPSHOT_MAGIC, 0);
  view.setUint32(8, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, FIXED_PREFIX);
  let offset = FIXED_PREFIX + headerBytes.length;
  for (const [, bytes] of entries) {
    out.set(bytes, offset);
    offset += bytes.length;
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true);
  return out;
}

/** Decodes a whole snapshot or throws `SnapshotError`; never returns a partial result. */
export function decodeSnapshot(bytes: Uint8Array, options: DecodeOptions = {}): SnapshotContents {
  if (bytes.length < FIXED_PREFIX + TRAILER) {
    throw new SnapshotError(
      `truncated snapshot: ${bytes.length} bytes is shorter than any snapshot`,
    );
  }
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) {
    if (bytes[i] !== SNAPSHOT_MAGIC[i])
      throw new SnapshotError('not a Kindling snapshot (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(
      `unsupported snapshot format version ${version} (this build reads ${SNAPSHOT_FORMAT_VERSION})`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_HEADER_BYTES || FIXED_PREFIX + headerLength + TRAILER > bytes.length) {
    throw new SnapshotError(
      `truncated or corrupt snapshot: header length ${headerLength} does not fit`,
    );
  }
  const bodyEnd = bytes.length - TRAILER;
  const storedChecksum = view.getUint32(bodyEnd, true);
  if (crc32(bytes.subarray(0, bodyEnd)) !== storedChecksum) {
    throw new SnapshotError('snapshot checksum mismatch: the file is corrupt or truncated');
  }
  const { header, table } = parseHeader(bytes.subarray(FIXED_PREFIX, FIXED_PREFIX + headerLength));
  const sections = new Map<string, Uint8Array>();
  let offset = FIXED_PREFIX + headerLength;
  for (const entry of table) {
    if (sections.has(entry.name)) throw new SnapshotError(`duplicate section "${entry.name}"`);
    if (offset + entry.length > bodyEnd) {
      throw new SnapshotError(`section "${entry.name}" runs past the end of the snapshot`);
    }
    const payload = bytes.subarray(offset, offset + entry.length);
    if (crc32(payload) !== entry.crc32) {
      throw new SnapshotError(`section "${entry.name}" checksum mismatch`);
    }
    sections.set(entry.name, payload);
    offset += entry.length;
  }
  if (offset !== bodyEnd) {
    throw new SnapshotError(`snapshot has ${bodyEnd - offset} unexpected bytes after its sections`);
  }
  for (const name of options.requiredSections ?? []) {
    if (!sections.has(name)) throw new SnapshotError(`snapshot is missing the "${name}" section`);
  }
  return { header, sections };
}

function parseHeader(raw: Uint8Array): { header: SnapshotHeader; table: SectionEntry[] } {
  let json: unknown;
  try {
    const text = decodeUtf8(raw);
    if (text === undefined) throw new SnapshotError('bad UTF-8');
    json = JSON.parse(text);
  } catch {
    throw new SnapshotError('snapshot header is not valid UTF-8 JSON');
  }
  if (!isRecord(json)) throw new SnapshotError('snapshot header is not a JSON object');
  const { kindlingVersion, arch, createdAtMs, sections } = json;
  if (typeof kindlingVersion !== 'string' || typeof arch !== 'string') {
    throw new SnapshotError('snapshot header lacks kindlingVersion or arch');
  }
  if (createdAtMs !== undefined && typeof createdAtMs !== 'number') {
    throw new SnapshotError('snapshot header createdAtMs is not a number');
  }
  if (!Array.isArray(sections)) throw new SnapshotError('snapshot header has no section table');
  const table = sections.map((s: unknown, i): SectionEntry => {
    if (
      !isRecord(s) ||
      typeof s['name'] !== 'string' ||
      !isSectionName(s['name']) ||
      !isUint(s['length'], Number.MAX_SAFE_INTEGER) ||
      !isUint(s['crc32'], 0xffffffff)
    ) {
      throw new SnapshotError(`snapshot section table entry ${i} is malformed`);
    }
    return { name: s['name'], length: s['length'], crc32: s['crc32'] };
  });
  const header: SnapshotHeader = { kindlingVersion, arch };
  if (typeof createdAtMs === 'number') header.createdAtMs = createdAtMs;
  return { header, table };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function isSectionName(name: string): boolean {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(name);
}
