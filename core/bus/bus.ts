import type { BusDevice } from './bus-device';

/** Raised at registration time only (wiring bugs), never for guest accesses. */
export class BusError extends Error {
  override name = 'BusError';
}

/** One device mapped at [base, base + size). */
export interface BusRange {
  readonly base: number;
  readonly size: number;
  readonly name: string;
  readonly device: BusDevice;
}

/**
 * An address space mapping ranges to devices. Ranges are kept sorted by base, so lookup is a
 * binary search. Guest accesses never throw: an unmapped address returns `false` and the machine
 * decides whether that is a fault or ignored.
 */
export abstract class Bus {
  private readonly ranges: BusRange[] = [];

  /** Highest address (exclusive) this kind of bus can decode. */
  protected abstract readonly limit: number;

  /** Map `device` at [base, base + size); throws BusError on empty, out-of-range or overlapping ranges. */
  register(base: number, size: number, device: BusDevice, name = 'device'): void {
    const end = base + size;
    if (!Number.isSafeInteger(base) || base < 0 || !Number.isSafeInteger(size) || size <= 0) {
      throw new BusError(`${name}: bad range base=${base} size=${size}`);
    }
    if (end > this.limit)
      throw new BusError(`${name}: range ends past the bus limit ${this.limit}`);
    const at = this.insertionPoint(base);
    const before = this.ranges[at - 1];
    const after = this.ranges[at];
    for (const other of [before, after]) {
      if (other && base < other.base + other.size && other.base < end) {
        throw new BusError(
          `${name} [0x${base.toString(16)}, 0x${end.toString(16)}) overlaps ${other.name} at 0x${other.base.toString(16)}`,
        );
      }
    }
    this.ranges.splice(at, 0, { base, size, name, device });
  }

  /** The range containing `address`, if any. */
  find(address: number): BusRange | undefined {
    const at = this.insertionPoint(address + 0.5) - 1;
    const r = this.ranges[at];
    return r && address >= r.base && address < r.base + r.size ? r : undefined;
  }

  /** Dispatch a read; `data.length` is the access size. Returns false (data zeroed) when unmapped. */
  read(address: number, data: Uint8Array): boolean {
    const r = this.find(address);
    if (!r || address + data.length > r.base + r.size) {
      data.fill(0);
      return false;
    }
    r.device.read(address - r.base, data);
    return true;
  }

  /** Dispatch a write. Returns false when no device covers the access. */
  write(address: number, data: Uint8Array): boolean {
    const r = this.find(address);
    if (!r || address + data.length > r.base + r.size) return false;
    r.device.write(address - r.base, data);
    return true;
  }

  /** Registered ranges in address order (for device trees and debugging). */
  list(): readonly BusRange[] {
    return this.ranges;
  }

  /** Index of the first range whose base is > `address` (ranges[i-1] is the candidate). */
  private insertionPoint(address: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.ranges[mid];
      if (r && r.base < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Memory-mapped I/O: addresses up to 2^53. */
export class MmioBus extends Bus {
  protected readonly limit = Number.MAX_SAFE_INTEGER;
}

/** x86 port I/O: a 64 KiB space. */
export class PioBus extends Bus {
  protected readonly limit = 0x1_0000;
}
