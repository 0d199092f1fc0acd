import { type GuestAddress, isGuestAddress } from '../memory/guest-address';
import { type GuestMemory, GuestMemoryError } from '../memory/guest-memory';
import { AVAIL_F_NO_INTERRUPT } from './constants';
import { type DescriptorChain, DESCRIPTOR_SIZE, readDescriptorChain } from './descriptor-chain';
import { QueueError } from './queue-error';

/** Plain, JSON-friendly state of one queue (for snapshots). */
export interface QueueState {
  size: number;
  ready: boolean;
  descTable: number;
  availRing: number;
  usedRing: number;
  nextAvail: number;
  nextUsed: number;
  eventIdx: boolean;
  indirect: boolean;
  /** Used index at the last interrupt we sent, or -1 if none yet (EVENT_IDX bookkeeping). */
  signalledUsed: number;
}

/** `vring_need_event` (2.7.10): did `newIdx` move past the `event` index since `oldIdx`? */
export function needEvent(event: number, newIdx: number, oldIdx: number): boolean {
  return ((newIdx - event - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}

/**
 * A split virtqueue as seen by the device (2.7).
 *
 * Configuration setters reject bad values (and values written while the queue is ready) and keep
 * the old one. The ring addresses are only checked as a whole, by `isValid`, when the driver sets
 * QueueReady — after that every ring access is known to be inside guest memory.
 */
export class Virtqueue {
  size: number;
  ready = false;
  descTable = 0;
  availRing = 0;
  usedRing = 0;
  nextAvail = 0;
  nextUsed = 0;
  /** VIRTIO_F_EVENT_IDX negotiated (set at activation). */
  eventIdx = false;
  /** VIRTIO_F_INDIRECT_DESC negotiated (set at activation). */
  indirect = false;
  private signalledUsed = -1;

  constructor(readonly maxSize: number) {
    if (!isPowerOfTwo(maxSize) || maxSize > 32768) throw new RangeError(`bad max size ${maxSize}`);
    this.size = maxSize;
  }

  /** Back to the state after device reset. */
  reset(): void {
    this.size = this.maxSize;
    this.ready = false;
    this.descTable = this.availRing = this.usedRing = 0;
    this.nextAvail = this.nextUsed = 0;
    this.eventIdx = this.indirect = false;
    this.signalledUsed = -1;
  }

  setSize(size: number): boolean {
    if (this.ready || !isPowerOfTwo(size) || size > this.maxSize) return false;
    this.size = size;
    return true;
  }
  setDescTable(addr: number): boolean {
    if (this.ready) return false;
    this.descTable = addr;
    return true;
  }
  setAvailRing(addr: number): boolean {
    if (this.ready) return false;
    this.availRing = addr;
    return true;
  }
  setUsedRing(addr: number): boolean {
    if (this.ready) return false;
    this.usedRing = addr;
    return true;
  }

  /** QueueReady: becoming ready requires `isValid`; returns whether the new value was taken. */
  setReady(ready: boolean, memory: GuestMemory): boolean {
    if (ready && !this.isValid(memory)) return false;
    this.ready = ready;
    return true;
  }

  /** Size a power of two ≤ max; rings aligned (16/2/4) and entirely inside guest memory. */
  isValid(memory: GuestMemory): boolean {
    const { size } = this;
    const ranges: Array<[number, number, number]> = [
      [this.descTable, DESCRIPTOR_SIZE * size, 16],
      [this.availRing, 6 + 2 * size, 2],
      [this.usedRing, 6 + 8 * size, 4],
    ];
    return (
      isPowerOfTwo(size) &&
      size <= this.maxSize &&
      ranges.every(
        ([addr, len, align]) =>
          isGuestAddress(addr) && addr % align === 0 && memory.isRangeValid(addr, len),
      )
    );
  }

  /** Number of chains the driver made available that we have not popped. */
  pending(memory: GuestMemory): number {
    const availIdx = memory.loadU16Acquire((this.availRing + 2) as GuestAddress);
    const count = (availIdx - this.nextAvail) & 0xffff;
    if (count > this.size) throw new QueueError(`avail idx ${availIdx} runs ${count} ahead`);
    return count;
  }

  /**
   * Take the next available chain, validated, or undefined when the ring is empty.
   * With EVENT_IDX, an empty ring publishes avail_event (= "notify me at the next entry") and
   * re-checks, so a chain the driver added meanwhile is not missed.
   * Throws QueueError on a malformed ring or chain.
   */
  pop(memory: GuestMemory): DescriptorChain | undefined {
    if (!this.ready) return undefined;
    try {
      if (this.pending(memory) === 0) {
        if (!this.eventIdx) return undefined;
        memory.storeU16Release(this.availEventAddr(), this.nextAvail);
        if (this.pending(memory) === 0) return undefined;
      }
      const slot = (this.availRing + 4 + 2 * (this.nextAvail % this.size)) as GuestAddress;
      const head = memory.readU16(slot);
      this.nextAvail = (this.nextAvail + 1) & 0xffff;
      return readDescriptorChain(
        memory,
        this.descTable as GuestAddress,
        this.size,
        head,
        this.indirect,
      );
    } catch (e) {
      if (e instanceof GuestMemoryError) throw new QueueError(e.message);
      throw e;
    }
  }

  /** Give back the chain just popped (e.g. the rate limiter said "not now"). */
  undoPop(): void {
    this.nextAvail = (this.nextAvail - 1) & 0xffff;
  }

  /** Publish a used element: entry first, then the index (release) so a vCPU never sees it torn. */
  addUsed(memory: GuestMemory, head: number, len: number): void {
    const entry = (this.usedRing + 4 + 8 * (this.nextUsed % this.size)) as GuestAddress;
    memory.writeU32(entry, head);
    memory.writeU32((entry + 4) as GuestAddress, len >>> 0);
    this.nextUsed = (this.nextUsed + 1) & 0xffff;
    memory.storeU16Release((this.usedRing + 2) as GuestAddress, this.nextUsed);
  }

  /**
   * Should the driver be interrupted for what was added since the last interrupt?
   * EVENT_IDX: the used_event rule; otherwise the avail ring's NO_INTERRUPT flag.
   */
  needsNotification(memory: GuestMemory): boolean {
    if (!this.eventIdx) {
      const flags = memory.loadU16Acquire(this.availRing as GuestAddress);
      return (flags & AVAIL_F_NO_INTERRUPT) === 0;
    }
    const usedEvent = memory.loadU16Acquire((this.availRing + 4 + 2 * this.size) as GuestAddress);
    const old = this.signalledUsed;
    this.signalledUsed = this.nextUsed;
    if (old < 0) return true;
    return needEvent(usedEvent, this.nextUsed, old);
  }

  private availEventAddr(): GuestAddress {
    return (this.usedRing + 4 + 8 * this.size) as GuestAddress;
  }

  save(): QueueState {
    return {
      size: this.size,
      ready: this.ready,
      descTable: this.descTable,
      availRing: this.availRing,
      usedRing: this.usedRing,
      nextAvail: this.nextAvail,
      nextUsed: this.nextUsed,
      eventIdx: this.eventIdx,
      indirect: this.indirect,
      signalledUsed: this.signalledUsed,
    };
  }

  /** Restore saved state; refuses sizes this queue cannot have. */
  restore(state: QueueState): void {
    if (!isPowerOfTwo(state.size) || state.size > this.maxSize) {
      throw new RangeError(`snapshot queue size ${state.size} exceeds max ${this.maxSize}`);
    }
    this.size = state.size;
    this.ready = state.ready;
    this.descTable = state.descTable;
    this.availRing = state.availRing;
    this.usedRing = state.usedRing;
    this.nextAvail = state.nextAvail & 0xffff;
    this.nextUsed = state.nextUsed & 0xffff;
    this.eventIdx = state.eventIdx;
    this.indirect = state.indirect;
    this.signalledUsed = state.signalledUsed;
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
