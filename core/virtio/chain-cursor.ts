import type { GuestAddress } from '../memory/guest-address';
import type { GuestMemory } from '../memory/guest-memory';
import type { GuestBuffer } from './descriptor-chain';

/**
 * Reads or writes a list of guest buffers as one byte stream, whatever way the driver split it
 * into descriptors. Buffers were validated when the chain was read, so accesses stay in bounds.
 */
export class ChainCursor {
  private index = 0;
  private offset = 0;
  private consumed = 0;

  constructor(
    private readonly memory: GuestMemory,
    private readonly buffers: readonly GuestBuffer[],
    readonly length: number,
  ) {}

  /** Bytes not yet read/written. */
  get remaining(): number {
    return this.length - this.consumed;
  }

  /** Copy up to `dst.length` bytes from the chain; returns the number copied. */
  read(dst: Uint8Array): number {
    return this.step(dst.length, (addr, done, n) =>
      this.memory.read(addr, dst.subarray(done, done + n)),
    );
  }

  /** Copy up to `src.length` bytes into the chain; returns the number copied. */
  write(src: Uint8Array): number {
    return this.step(src.length, (addr, done, n) =>
      this.memory.write(addr, src.subarray(done, done + n)),
    );
  }

  /** Advance by `n` bytes without copying. */
  skip(n: number): number {
    return this.step(n, () => undefined);
  }

  /**
   * A live view of the next `n` bytes if they lie in one buffer (then the cursor advances), so
   * bulk data can move without a bounce copy; undefined otherwise (nothing consumed).
   */
  view(n: number): Uint8Array | undefined {
    const buf = this.buffers[this.index];
    if (!buf || n > this.remaining || buf.len - this.offset < n) return undefined;
    const v = this.memory.slice((buf.addr + this.offset) as GuestAddress, n);
    this.skip(n);
    return v;
  }

  /** Read everything that is left. */
  readAll(): Uint8Array {
    const out = new Uint8Array(this.remaining);
    this.read(out);
    return out;
  }

  private step(want: number, visit: (addr: GuestAddress, done: number, n: number) => void): number {
    let done = 0;
    while (done < want) {
      const buf = this.buffers[this.index];
      if (!buf) break;
      const n = Math.min(want - done, buf.len - this.offset);
      if (n > 0) visit((buf.addr + this.offset) as GuestAddress, done, n);
      done += n;
      this.offset += n;
      if (this.offset >= buf.len) {
        this.index++;
        this.offset = 0;
      }
    }
    this.consumed += done;
    return done;
  }
}
