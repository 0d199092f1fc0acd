import { type GuestAddress, toGuestAddress } from '../memory/guest-address';
import { GuestMemory, type GuestRegionInit, type Located } from '../memory/guest-memory';
import type { InterruptLine } from '../irq/interrupt-line';

const CANARY = 0xa5;

/**
 * Guest memory whose regions sit inside one ArrayBuffer between canary bytes, and which records
 * every range it is asked to touch. Tests assert the canaries never change and that every access
 * lay inside a region.
 */
export class GuardedMemory extends GuestMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private readonly guards: Array<[number, number]>;
  /** Every [address, length) that passed `locate` (bounded to avoid unbounded growth). */
  readonly accesses: Array<[number, number]> = [];
  recordAccesses = false;

  constructor(
    layout: ReadonlyArray<{ start: number; size: number }>,
    opts: { shared?: boolean } = {},
  ) {
    const guard = 64;
    const total = layout.reduce((n, r) => n + r.size + guard, guard);
    const buffer = opts.shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
    new Uint8Array(buffer).fill(CANARY);
    const regions: GuestRegionInit[] = [];
    const guards: Array<[number, number]> = [[0, guard]];
    let at = guard;
    for (const r of layout) {
      const bytes = new Uint8Array(buffer, at, r.size);
      bytes.fill(0);
      regions.push({ start: toGuestAddress(r.start), bytes });
      at += r.size;
      guards.push([at, guard]);
      at += guard;
    }
    super(regions);
    this.buffer = buffer;
    this.guards = guards;
  }

  protected override locate(address: number, length: number): Located {
    const located = super.locate(address, length);
    if (this.recordAccesses && this.accesses.length < 1_000_000)
      this.accesses.push([address, length]);
    return located;
  }

  /** True when no byte outside the regions changed. */
  canariesIntact(): boolean {
    const all = new Uint8Array(this.buffer);
    return this.guards.every(([at, len]) => all.subarray(at, at + len).every((b) => b === CANARY));
  }

  /** True when every recorded access lay inside one region. */
  accessesInside(): boolean {
    const ranges = this.ranges;
    return this.accesses.every(([a, n]) => ranges.some((r) => a >= r.start && a + n <= r.end));
  }
}

/** An interrupt line that remembers its level and counts rising edges. */
export class RecordingLine implements InterruptLine {
  level = false;
  rises = 0;
  setLevel(asserted: boolean): void {
    if (asserted && !this.level) this.rises++;
    this.level = asserted;
  }
}

export function ga(n: number): GuestAddress {
  return toGuestAddress(n);
}
