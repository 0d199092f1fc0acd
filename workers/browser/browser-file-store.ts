/**
 * The browser's FileStore: API paths name byte arrays the page fetched or the user supplied, kept
 * in the VMM worker's memory. A drive is a MemoryBlockBackend over the stored array itself, so what
 * the guest writes to a disk is what `read` returns afterwards (the page can download it).
 * Paths `opfs:NAME` live in the Origin Private File System instead: persistent drives.
 */
import { MemoryBlockBackend, type BlockBackend } from '../../core/devices/virtio/blk/backend';
import { OpfsBlockBackend, isOpfsPath, readOpfsFile, writeOpfsFile } from './opfs-block-backend';
import { FileStoreError, type FileStore } from '../common/riscv64/file-store';

export class BrowserFileStore implements FileStore {
  private readonly files = new Map<string, Uint8Array>();

  /** Store (or replace) a file; the store keeps this very array. */
  put(path: string, bytes: Uint8Array): void {
    if (typeof path !== 'string' || path.length === 0)
      throw new FileStoreError('a file needs a non-empty path');
    if (!(bytes instanceof Uint8Array))
      throw new FileStoreError(`${path}: contents must be a Uint8Array`);
    this.files.set(path, bytes);
  }

  delete(path: string): boolean {
    return this.files.delete(path);
  }

  list(): { path: string; size: number }[] {
    return [...this.files].map(([path, bytes]) => ({ path, size: bytes.length }));
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  read(path: string): Promise<Uint8Array> {
    if (isOpfsPath(path)) return readOpfsFile(path);
    const bytes = this.files.get(path);
    if (!bytes) return Promise.reject(new FileStoreError(`cannot read ${path}: no such file`));
    return Promise.resolve(bytes);
  }

  write(path: string, bytes: Uint8Array): Promise<void> {
    if (isOpfsPath(path)) return writeOpfsFile(path, bytes);
    try {
      this.put(path, bytes);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new FileStoreError(String(error)));
    }
  }

  openBlock(path: string, readOnly: boolean): Promise<BlockBackend> {
    if (isOpfsPath(path)) return OpfsBlockBackend.open(path, readOnly);
    const bytes = this.files.get(path);
    if (!bytes)
      return Promise.reject(new FileStoreError(`cannot open drive ${path}: no such file`));
    return Promise.resolve(new MemoryBlockBackend(bytes, { readOnly }));
  }
}
