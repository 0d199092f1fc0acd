/**
 * Where a virtio-blk device keeps its bytes. Methods may complete synchronously (return
 * undefined) or asynchronously (return a promise): the device handles both and completes requests
 * in the order the guest submitted them. Offsets and lengths are multiples of 512 and inside `size`
 * (the device checks before calling).
 */
export interface BlockBackend {
  /** Size in bytes (the device exposes floor(size / 512) sectors). */
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, dst: Uint8Array): void | Promise<void>;
  write(offset: number, src: Uint8Array): void | Promise<void>;
  /** Make every completed write durable. */
  flush(): void | Promise<void>;
}

/** A disk in a byte array (tests, benchmarks, small scratch drives in the browser). */
export class MemoryBlockBackend implements BlockBackend {
  readonly bytes: Uint8Array;
  readonly readOnly: boolean;
  flushes = 0;

  constructor(contents: number | Uint8Array, opts: { readOnly?: boolean } = {}) {
    this.bytes = typeof contents === 'number' ? new Uint8Array(contents) : contents;
    this.readOnly = opts.readOnly ?? false;
  }

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, dst: Uint8Array): void {
    dst.set(this.bytes.subarray(offset, offset + dst.length));
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error('read-only backend');
    this.bytes.set(src, offset);
  }

  flush(): void {
    this.flushes++;
  }
}
