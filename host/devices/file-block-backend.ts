import { open, type FileHandle } from 'node:fs/promises';
import type { BlockBackend } from '../../core/devices/virtio/blk/backend';

/**
 * A virtio-blk backend over a host file. Reads and writes are positioned (pread/pwrite), so
 * concurrent requests never race on a file offset; `flush` is fsync. All calls are async and
 * the device completes requests in ring order.
 */
export class FileBlockBackend implements BlockBackend {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly readOnly: boolean,
    readonly path: string,
  ) {}

  /** Open `path` (read-write unless `readOnly`); the disk size is the file size. */
  static async open(path: string, opts: { readOnly?: boolean } = {}): Promise<FileBlockBackend> {
    const readOnly = opts.readOnly ?? false;
    const handle = await open(path, readOnly ? 'r' : 'r+');
    try {
      const { size } = await handle.stat();
      return new FileBlockBackend(handle, size, readOnly, path);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async read(offset: number, dst: Uint8Array): Promise<void> {
    let done = 0;
    while (done < dst.length) {
      const { bytesRead } = await this.handle.read(dst, done, dst.length - done, offset + done);
      if (bytesRead === 0) {
        dst.fill(0, done); // past end of a file that shrank under us: zeros, like a sparse hole
        return;
      }
      done += bytesRead;
    }
  }

  async write(offset: number, src: Uint8Array): Promise<void> {
    if (this.readOnly) throw new Error(`${this.path} is read-only`);
    let done = 0;
    while (done < src.length) {
      const { bytesWritten } = await this.handle.write(src, done, src.length - done, offset + done);
      done += bytesWritten;
    }
  }

  async flush(): Promise<void> {
    if (!this.readOnly) await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
