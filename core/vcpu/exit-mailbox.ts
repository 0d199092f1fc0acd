/**
 * The exit path from vCPU threads to the VMM thread: one slot per vCPU in a SharedArrayBuffer.
 *
 * A vCPU that touches a device posts {kind, address, size, data} in its slot, rings the doorbell and
 * waits; the VMM thread answers every posted slot in turn and wakes the vCPU. The vCPU spins briefly
 * before sleeping: a round trip with a spinning waiter costs well under a microsecond, one that goes
 * through Atomics.wait tens of microseconds, and device accesses come in bursts (UART output, virtio
 * register setup). The data bytes are handed to the device as a Uint8Array view of the slot itself,
 * so an exit copies nothing.
 *
 * The layout is defined here once; both sides use these constants.
 */

/** Int32 index of the doorbell: a counter the vCPUs bump after posting, the VMM waits on. */
const DOORBELL = 0;
/** Slots start after a 64-byte header (keeps the doorbell off the slots' cache lines). */
const HEADER_BYTES = 64;
/** Each slot is 64 bytes: state, kind, size, status, address (lo, hi), 8 data bytes, padding. */
const SLOT_BYTES = 64;
const STATE = 0;
const KIND = 1;
const SIZE = 2;
const STATUS = 3;
const ADDR_LO = 4;
const ADDR_HI = 5;
const DATA_BYTE_OFFSET = 24;

const FREE = 0;
const POSTED = 1;
const ANSWERED = 2;

/** Memory-mapped accesses, and x86 port I/O: a second address space (a machine without ports answers
 *  those Unmapped). */
export const ExitKind = { Read: 1, Write: 2, PortRead: 3, PortWrite: 4 } as const;
export type ExitKind = (typeof ExitKind)[keyof typeof ExitKind];

export const ExitStatus = {
  Ok: 0,
  /** No device claimed the address: the CPU raises an access fault. */
  Unmapped: 1,
} as const;
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

export function exitMailboxBytes(slots: number): number {
  return HEADER_BYTES + slots * SLOT_BYTES;
}

export function createExitMailboxBuffer(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(exitMailboxBytes(slots));
}

/** How long a vCPU spins on its slot before it sleeps, in polls. */
const SPIN_POLLS = 2000;

/** The vCPU side of one slot. Synchronous: it is called from inside the CPU's device-access import. */
export class ExitMailboxClient {
  private readonly words: Int32Array;
  private readonly base: number;
  private readonly data: Uint8Array;
  private readonly views: Uint8Array[];

  constructor(buffer: SharedArrayBuffer, slot: number) {
    this.words = new Int32Array(buffer);
    this.base = (HEADER_BYTES + slot * SLOT_BYTES) >> 2;
    const dataOffset = HEADER_BYTES + slot * SLOT_BYTES + DATA_BYTE_OFFSET;
    this.data = new Uint8Array(buffer, dataOffset, 8);
    this.views = [1, 2, 4, 8].map((n) => new Uint8Array(buffer, dataOffset, n));
  }

  /** The slot's data bytes: fill them before `write`, read them after `read`. */
  get bytes(): Uint8Array {
    return this.data;
  }

  /** Post an access and block until the VMM answers. Returns the status; data is in `bytes`. */
  exchange(kind: ExitKind, address: number, size: 1 | 2 | 4 | 8): ExitStatus {
    const w = this.words;
    const b = this.base;
    w[b + KIND] = kind;
    w[b + SIZE] = size;
    w[b + ADDR_LO] = address >>> 0;
    w[b + ADDR_HI] = Math.floor(address / 0x1_0000_0000);
    Atomics.store(w, b + STATE, POSTED);
    Atomics.add(w, DOORBELL, 1);
    Atomics.notify(w, DOORBELL);
    for (let i = 0; i < SPIN_POLLS; i++) {
      if (Atomics.load(w, b + STATE) === ANSWERED) return this.finish();
    }
    while (Atomics.load(w, b + STATE) !== ANSWERED) Atomics.wait(w, b + STATE, POSTED);
    return this.finish();
  }

  /** View of the first `size` data bytes (no allocation). */
  view(size: 1 | 2 | 4 | 8): Uint8Array {
    return this.views[size === 8 ? 3 : size === 4 ? 2 : size === 2 ? 1 : 0]!;
  }

  private finish(): ExitStatus {
    const status = this.words[this.base + STATUS] as ExitStatus;
    Atomics.store(this.words, this.base + STATE, FREE);
    return status;
  }
}

/** What the VMM does with one access: fill `data` (read) or consume it (write). */
export type ExitHandler = (
  slot: number,
  kind: ExitKind,
  address: number,
  data: Uint8Array,
) => ExitStatus;

/** The VMM side: answers posted slots; waits asynchronously so the VMM's event loop keeps running. */
export class ExitMailboxServer {
  private readonly words: Int32Array;
  private readonly views: Uint8Array[][];
  private running = false;
  /** Exits answered, by slot (read by metrics and the Inspector). */
  readonly answered: number[];

  constructor(
    buffer: SharedArrayBuffer,
    private readonly slots: number,
  ) {
    this.words = new Int32Array(buffer);
    this.answered = new Array<number>(slots).fill(0);
    this.views = [];
    for (let s = 0; s < slots; s++) {
      const dataOffset = HEADER_BYTES + s * SLOT_BYTES + DATA_BYTE_OFFSET;
      this.views.push([1, 2, 4, 8].map((n) => new Uint8Array(buffer, dataOffset, n)));
    }
  }

  /** Answer every slot that is currently posted. Returns how many were answered. */
  drain(handler: ExitHandler): number {
    let count = 0;
    const w = this.words;
    for (let s = 0; s < this.slots; s++) {
      const b = (HEADER_BYTES + s * SLOT_BYTES) >> 2;
      if (Atomics.load(w, b + STATE) !== POSTED) continue;
      const size = w[b + SIZE]!;
      const address = (w[b + ADDR_HI]! >>> 0) * 0x1_0000_0000 + (w[b + ADDR_LO]! >>> 0);
      const sizeIndex = size === 8 ? 3 : size === 4 ? 2 : size === 2 ? 1 : 0;
      let status: ExitStatus;
      try {
        status = handler(s, w[b + KIND] as ExitKind, address, this.views[s]![sizeIndex]!);
      } catch {
        // A device bug must not wedge the vCPU: report the access as unmapped.
        status = ExitStatus.Unmapped;
      }
      w[b + STATUS] = status;
      Atomics.store(w, b + STATE, ANSWERED);
      Atomics.notify(w, b + STATE);
      this.answered[s]!++;
      count++;
    }
    return count;
  }

  /**
   * Serve until `stop()`: drain, spin a little for the next exit of a burst, then wait on the doorbell
   * without blocking the thread (Atomics.waitAsync), so timers and messages still run in between.
   */
  async serve(handler: ExitHandler, spinPolls = 500): Promise<void> {
    this.running = true;
    const w = this.words;
    while (this.running) {
      const seen = Atomics.load(w, DOORBELL);
      if (this.drain(handler) > 0) {
        for (let i = 0; i < spinPolls && Atomics.load(w, DOORBELL) === seen; i++);
        continue;
      }
      // No timeout needed: every post and stop() bumps the doorbell; 1 s only bounds the unexpected.
      const waited = Atomics.waitAsync(w, DOORBELL, seen, 1000);
      if (waited.async) await waited.value;
      else await Promise.resolve();
    }
  }

  stop(): void {
    this.running = false;
    Atomics.add(this.words, DOORBELL, 1);
    Atomics.notify(this.words, DOORBELL);
  }
}
