/**
 * virtio-blk over a file in the browser's Origin Private File System: the browser-storage backend.
 * A drive whose path is `opfs:NAME` persists across page reloads, stays private to the origin, and
 * is opened with a synchronous access handle, which only dedicated workers (our VMM worker) get and
 * which is exclusive: a second VM cannot open the same disk while the first has it.
 */
import type { BlockBackend } from '../../core/devices/virtio/blk/backend';
import { FileStoreError } from '../common/riscv64/file-store';

export const OPFS_PREFIX = 'opfs:';
const NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** The part of FileSystemSyncAccessHandle a block device needs. */
interface SyncAccessHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  getSize(): number;
  close(): void;
}

export function isOpfsPath(path: string): boolean {
  return path.startsWith(OPFS_PREFIX);
}

function opfsName(path: string): string {
  const name = path.slice(OPFS_PREFIX.length);
  if (!NAME.test(name)) {
    throw new FileStoreError(`${path}: OPFS names are 1-128 letters, digits, '.', '_' or '-'`);
  }
  return name;
}

async function fileHandle(path: string, create: boolean): Promise<FileSystemFileHandle> {
  const name = opfsName(path);
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getFileHandle(name, { create });
  } catch (error) {
    throw new FileStoreError(
      `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Create or replace an OPFS file with `bytes` (how a disk image gets there). */
export async function writeOpfsFile(path: string, bytes: Uint8Array): Promise<void> {
  const writable = await (await fileHandle(path, true)).createWritable();
  await writable.write(bytes.slice());
  await writable.close();
}

export async function readOpfsFile(path: string): Promise<Uint8Array> {
  const file = await (await fileHandle(path, false)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}

export class OpfsBlockBackend implements BlockBackend {
  /** Sync access handles refuse views of shared memory (guest RAM): go through this buffer. */
  private bounce = new Uint8Array(0);

  private constructor(
    private readonly handle: SyncAccessHandle,
    readonly size: number,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, readOnly: boolean): Promise<OpfsBlockBackend> {
    const file = await fileHandle(path, false);
    let handle: SyncAccessHandle;
    try {
      const create = (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> })
        .createSyncAccessHandle;
      handle = await create.call(file);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new FileStoreError(`cannot open drive ${path}: ${why} (is another VM using it?)`);
    }
    return new OpfsBlockBackend(handle, handle.getSize(), readOnly);
  }

  private scratch(length: number): Uint8Array {
    if (this.bounce.length < length) this.bounce = new Uint8Array(length);
    return this.bounce.subarray(0, length);
  }

  read(offset: number, dst: Uint8Array): void {
    const buffer = this.scratch(dst.length);
    const got = this.handle.read(buffer, { at: offset });
    buffer.fill(0, got); // past the end of a short file reads as zeros
    dst.set(buffer);
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new FileStoreError('write to a read-only OPFS drive');
    const buffer = this.scratch(src.length);
    buffer.set(src);
    this.handle.write(buffer, { at: offset });
  }

  flush(): void {
    this.handle.flush();
  }

  /** Release the exclusive lock (the VM is gone). */
  close(): void {
    this.handle.close();
  }
}
