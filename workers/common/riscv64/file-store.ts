/**
 * Where the paths of Firecracker's API (kernel_image_path, path_on_host, snapshot_path, …) lead.
 * On the host they are files; in the browser they name bytes the page fetched or the user dropped
 * in (the VMM worker keeps them in memory). The machine code only sees this interface.
 */
import type { BlockBackend } from '../../../core/devices/virtio/blk/backend';

export class FileStoreError extends Error {
  override readonly name = 'FileStoreError';
}

export interface FileStore {
  /** The whole file; rejects with a FileStoreError naming the path when it cannot be read. */
  read(path: string): Promise<Uint8Array>;
  /** Create or replace a file (snapshots). */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** A block device over the file (virtio-blk). */
  openBlock(path: string, readOnly: boolean): Promise<BlockBackend>;
}

/** A gzip stream starts with 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflate with the platform's DecompressionStream (browsers and Node ≥ 18 both have it). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The bytes, inflated if they are gzip-compressed. */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes) : bytes;
}

/** A boot image (kernel, initrd) from `files`, inflated if gzip-compressed; a corrupt stream is a
 *  FileStoreError naming the path. */
export async function readBootImage(
  files: FileStore,
  path: string,
  what: string,
): Promise<Uint8Array> {
  const bytes = await files.read(path);
  try {
    return await gunzipIfNeeded(bytes);
  } catch (error) {
    throw new FileStoreError(
      `${what} ${path} looks gzip-compressed but does not inflate: ${String(error)}`,
    );
  }
}
