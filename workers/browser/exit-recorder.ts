/**
 * A ring of the most recent MMIO exits for the inspector. It is attached to the machine only while
 * someone records, so an unobserved machine pays nothing; when attached, each exit costs a device
 * lookup and a small object.
 */
import type { BusRange } from '../../core/bus/bus';
import type { ExitRecord } from './vmm-api';

export const EXIT_RING_SIZE = 256;

export class ExitRecorder {
  private readonly ring: (ExitRecord | undefined)[] = new Array<ExitRecord | undefined>(
    EXIT_RING_SIZE,
  ).fill(undefined);
  private next = 0;
  private count = 0;

  constructor(
    private readonly ranges: () => readonly BusRange[],
    private readonly nowMs: () => number,
  ) {}

  record(write: boolean, address: number, data: Uint8Array, claimed: boolean): void {
    this.ring[this.next] = {
      atMs: this.nowMs(),
      address,
      size: data.length,
      write,
      value: littleEndian(data),
      device: claimed ? this.deviceAt(address) : undefined,
    };
    this.next = (this.next + 1) % EXIT_RING_SIZE;
    this.count = Math.min(this.count + 1, EXIT_RING_SIZE);
  }

  /** Oldest first. */
  recent(): ExitRecord[] {
    const out: ExitRecord[] = [];
    const start = (this.next - this.count + EXIT_RING_SIZE) % EXIT_RING_SIZE;
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(start + i) % EXIT_RING_SIZE];
      if (entry) out.push(entry);
    }
    return out;
  }

  private deviceAt(address: number): string | undefined {
    for (const range of this.ranges()) {
      if (address >= range.base && address < range.base + range.size) return range.name;
    }
    return undefined;
  }
}

function littleEndian(data: Uint8Array): bigint {
  let value = 0n;
  for (let i = Math.min(data.length, 8) - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
  return value;
}
