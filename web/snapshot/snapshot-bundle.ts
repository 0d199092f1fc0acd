/**
 * A snapshot as one downloadable file: the VM's files (state, memory, kernel, initrd, disks)
 * concatenated behind a small header, so a restore needs one file picker and nothing can get
 * separated. Layout (little-endian): "KNDLSNAP", u32 version, u32 file count, then per file
 * u32 path length, UTF-8 path, u64 size, bytes.
 */

const MAGIC = 'KNDLSNAP';
const VERSION = 1;
const MAX_FILES = 64;
const MAX_PATH = 1024;

export class SnapshotBundleError extends Error {
  override readonly name = 'SnapshotBundleError';
}

export function packSnapshotBundle(files: Record<string, Uint8Array>): Uint8Array {
  const encoder = new TextEncoder();
  const entries = Object.entries(files).map(([path, bytes]) => ({
    path: encoder.encode(path),
    bytes,
  }));
  const size = entries.reduce((sum, e) => sum + 4 + e.path.length + 8 + e.bytes.length, 16);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(encoder.encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, entries.length, true);
  let at = 16;
  for (const { path, bytes } of entries) {
    view.setUint32(at, path.length, true);
    out.set(path, at + 4);
    at += 4 + path.length;
    view.setBigUint64(at, BigInt(bytes.length), true);
    out.set(bytes, at + 8);
    at += 8 + bytes.length;
  }
  return out;
}

/** Split a bundle back into files; any inconsistency is a SnapshotBundleError, never a crash. */
export function unpackSnapshotBundle(bundle: Uint8Array): Record<string, Uint8Array> {
  const view = new DataView(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const need = (at: number, length: number) => {
    if (at + length > bundle.length)
      throw new SnapshotBundleError('the snapshot file is truncated');
  };
  need(0, 16);
  if (new TextDecoder().decode(bundle.subarray(0, 8)) !== MAGIC) {
    throw new SnapshotBundleError('not a Kindling snapshot (bad magic)');
  }
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new SnapshotBundleError(`unsupported bundle version ${version}`);
  const count = view.getUint32(12, true);
  if (count > MAX_FILES) throw new SnapshotBundleError(`too many files (${count})`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const files: Record<string, Uint8Array> = {};
  let at = 16;
  for (let i = 0; i < count; i++) {
    need(at, 4);
    const pathLength = view.getUint32(at, true);
    if (pathLength === 0 || pathLength > MAX_PATH) {
      throw new SnapshotBundleError(`bad path length ${pathLength}`);
    }
    need(at + 4, pathLength + 8);
    let path: string;
    try {
      path = decoder.decode(bundle.subarray(at + 4, at + 4 + pathLength));
    } catch {
      throw new SnapshotBundleError('a file path is not UTF-8');
    }
    at += 4 + pathLength;
    const size = view.getBigUint64(at, true);
    if (size > BigInt(bundle.length - at - 8))
      throw new SnapshotBundleError('the snapshot file is truncated');
    files[path] = bundle.slice(at + 8, at + 8 + Number(size));
    at += 8 + Number(size);
  }
  if (at !== bundle.length) throw new SnapshotBundleError('trailing bytes after the last file');
  return files;
}
