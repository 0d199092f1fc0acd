import { type GuestAddress, isGuestAddress } from './guest-address';

/**
 * Thrown when an access touches an address no region backs, or when an address/length is not a
 * valid non-negative integer. It is the *only* exception guest memory throws; the virtio layer
 * catches it around every guest-driven operation, so it never reaches the VMM.
 */
export class GuestMemoryError extends Error {
  constructor(
    readonly address: number,
    readonly length: number,
    reason = 'outside guest memory',
  ) {
    super(`guest memory access [${address}, +${length}): ${reason}`);
    this.name = 'GuestMemoryError';
  }
}

/** One contiguous piece of guest RAM: guest addresses [start, start + bytes.length). */
export interface GuestRegionInit {
  readonly start: GuestAddress;
  /** A view over any (Shared)ArrayBuffer: a WebAssembly.Memory, an mmap'd KVM slot, a test buffer. */
  readonly bytes: Uint8Array;
}

interface Region {
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Present when the buffer is shared and 2-aligned: used for the release/acquire ring indices. */
  readonly halfwords: Uint16Array | undefined;
}

/** Where an access landed: the region and the offset inside its byte view. */
export interface Located {
  readonly region: Region;
  readonly offset: number;
}

/**
 * Guest RAM over one or more non-overlapping regions.
 *
 * Every access funnels through `locate`, which does all the checks (integer, non-negative, no
 * overflow past 2^53, entirely inside one region); ranges that straddle two regions are refused
 * for the typed accessors and split for `read`/`write`. Values are little-endian.
 */
export class GuestMemory {
  private readonly regions: Region[];

  constructor(regions: readonly GuestRegionInit[]) {
    const sorted = [...regions].sort((a, b) => a.start - b.start);
    this.regions = sorted.map((r) => {
      const end = r.start + r.bytes.length;
      if (!isGuestAddress(r.start) || !isGuestAddress(end) || r.bytes.length === 0) {
        throw new RangeError(`bad guest memory region at ${r.start} (+${r.bytes.length})`);
      }
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && r.bytes.buffer instanceof SharedArrayBuffer;
      const halfwords =
        shared && r.bytes.byteOffset % 2 === 0
          ? new Uint16Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.length >>> 1)
          : undefined;
      return {
        start: r.start,
        end,
        bytes: r.bytes,
        view: new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
        halfwords,
      };
    });
    for (let i = 1; i < this.regions.length; i++) {
      const prev = this.regions[i - 1];
      const cur = this.regions[i];
      if (prev && cur && cur.start < prev.end) {
        throw new RangeError(`guest memory regions overlap at ${cur.start}`);
      }
    }
  }

  /** Total bytes of RAM across all regions. */
  get size(): number {
    return this.regions.reduce((n, r) => n + r.bytes.length, 0);
  }

  /** Guest address ranges [start, end) of the regions, in address order. */
  get ranges(): ReadonlyArray<{ start: GuestAddress; end: GuestAddress }> {
    return this.regions.map((r) => ({
      start: r.start as GuestAddress,
      end: r.end as GuestAddress,
    }));
  }

  /**
   * The single check every access goes through: `length` bytes at `address` must lie entirely in
   * one region. Overridable so tests can record every range touched.
   */
  protected locate(address: number, length: number): Located {
    if (!Number.isSafeInteger(address) || address < 0) {
      throw new GuestMemoryError(address, length, 'address is not a non-negative integer');
    }
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new GuestMemoryError(address, length, 'length is not a non-negative integer');
    }
    const end = address + length;
    if (!Number.isSafeInteger(end)) throw new GuestMemoryError(address, length, 'wraps past 2^53');
    const region = this.findRegion(address);
    if (!region || end > region.end) throw new GuestMemoryError(address, length);
    return { region, offset: address - region.start };
  }

  private findRegion(address: number): Region | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.regions[mid];
      if (!r) break;
      if (address < r.start) hi = mid - 1;
      else if (address >= r.end) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /** True when [address, address + length) is entirely inside one region. Never throws. */
  isRangeValid(address: number, length: number): boolean {
    try {
      this.locate(address, length);
      return true;
    } catch {
      return false;
    }
  }

  /** A live view of guest bytes, only if the range lies inside one region (throws otherwise). */
  slice(address: GuestAddress, length: number): Uint8Array {
    const { region, offset } = this.locate(address, length);
    return region.bytes.subarray(offset, offset + length);
  }

  /** Copy guest bytes at `address` into `dst` (may span adjacent regions). */
  read(address: GuestAddress, dst: Uint8Array): void {
    this.forEachPiece(address, dst.length, (bytes, off, done, len) =>
      dst.set(bytes.subarray(off, off + len), done),
    );
  }

  /** Copy `src` into guest memory at `address` (may span adjacent regions). */
  write(address: GuestAddress, src: Uint8Array): void {
    this.forEachPiece(address, src.length, (bytes, off, done, len) =>
      bytes.set(src.subarray(done, done + len), off),
    );
  }

  /** Fill `length` guest bytes with `value`. */
  fill(address: GuestAddress, length: number, value: number): void {
    this.forEachPiece(address, length, (bytes, off, _done, len) =>
      bytes.fill(value, off, off + len),
    );
  }

  /** Validate the whole range first (so a failing access changes nothing), then walk it. */
  private forEachPiece(
    address: number,
    length: number,
    visit: (bytes: Uint8Array, offset: number, done: number, len: number) => void,
  ): void {
    const region = this.findRegion(address);
    if (region && address + length <= region.end) {
      // Common case: one region. `locate` still does (and records) the full check.
      const { offset } = this.locate(address, length);
      visit(region.bytes, offset, 0, length);
      return;
    }
    const pieces: Array<[Located, number]> = [[this.locate(address, 0), 0]];
    if (!Number.isSafeInteger(length) || length < 0 || !Number.isSafeInteger(address + length)) {
      throw new GuestMemoryError(address, length, 'bad length');
    }
    pieces.length = 0;
    let done = 0;
    while (done < length) {
      const at = address + done;
      const region = this.findRegion(at);
      const len = region ? Math.min(length - done, region.end - at) : length - done;
      pieces.push([this.locate(at, len), len]);
      done += len;
    }
    done = 0;
    for (const [{ region, offset }, len] of pieces) {
      visit(region.bytes, offset, done, len);
      done += len;
    }
  }

  readU8(address: GuestAddress): number {
    const { region, offset } = this.locate(address, 1);
    return region.view.getUint8(offset);
  }
  readU16(address: GuestAddress): number {
    const { region, offset } = this.locate(address, 2);
    return region.view.getUint16(offset, true);
  }
  readU32(address: GuestAddress): number {
    const { region, offset } = this.locate(address, 4);
    return region.view.getUint32(offset, true);
  }
  readU64(address: GuestAddress): bigint {
    const { region, offset } = this.locate(address, 8);
    return region.view.getBigUint64(offset, true);
  }
  /** A 64-bit value as a number; throws GuestMemoryError if it is ≥ 2^53 (not an address/length). */
  readU64AsNumber(address: GuestAddress): number {
    const { region, offset } = this.locate(address, 8);
    const value =
      region.view.getUint32(offset + 4, true) * 0x1_0000_0000 + region.view.getUint32(offset, true);
    if (!Number.isSafeInteger(value)) throw new GuestMemoryError(address, 8, 'value ≥ 2^53');
    return value;
  }

  writeU8(address: GuestAddress, value: number): void {
    const { region, offset } = this.locate(address, 1);
    region.view.setUint8(offset, value);
  }
  writeU16(address: GuestAddress, value: number): void {
    const { region, offset } = this.locate(address, 2);
    region.view.setUint16(offset, value, true);
  }
  writeU32(address: GuestAddress, value: number): void {
    const { region, offset } = this.locate(address, 4);
    region.view.setUint32(offset, value, true);
  }
  writeU64(address: GuestAddress, value: bigint): void {
    const { region, offset } = this.locate(address, 8);
    region.view.setBigUint64(offset, BigInt.asUintN(64, value), true);
  }

  /**
   * Load a 16-bit ring index with acquire semantics when the memory is shared with another thread
   * (the vCPU writing the avail ring), so the ring entries it published before are visible.
   */
  loadU16Acquire(address: GuestAddress): number {
    const { region, offset } = this.locate(address, 2);
    if (region.halfwords && offset % 2 === 0) return Atomics.load(region.halfwords, offset >>> 1);
    return region.view.getUint16(offset, true);
  }

  /**
   * Store a 16-bit ring index with release semantics: everything written before (the used
   * element) becomes visible to a vCPU thread no later than the index itself.
   */
  storeU16Release(address: GuestAddress, value: number): void {
    const { region, offset } = this.locate(address, 2);
    if (region.halfwords && offset % 2 === 0) {
      // Typed arrays use platform byte order; every engine we run on is little-endian.
      Atomics.store(region.halfwords, offset >>> 1, value);
    } else {
      region.view.setUint16(offset, value, true);
    }
  }
}
