// A growable byte buffer: the emitter writes millions of bytes per second of guest code, and a
// typed array avoids the per-byte cost and garbage of a number[].

/** What the LEB128 writers append to (a ByteBuffer or a plain number[]). */
export interface ByteSink {
  push(byte: number): unknown;
}

export class ByteBuffer implements ByteSink {
  private bytes: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  length = 0;

  push(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) this.grow(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.bytes.slice(0, this.length);
  }

  private grow(extra: number): void {
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}
