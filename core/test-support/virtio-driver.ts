import type { BusDevice } from '../bus/bus-device';
import type { GuestAddress } from '../memory/guest-address';
import type { GuestMemory } from '../memory/guest-memory';
import { DescFlag, Feature, featureBit, MmioReg, Status } from '../virtio/constants';

/** A buffer in a chain: bytes the device reads, or room the device writes. */
export type Segment =
  | { readonly data: Uint8Array }
  | { readonly writable: number }
  | { readonly addr: number; readonly len: number; readonly write: boolean };

export interface PlacedBuffer {
  readonly addr: GuestAddress;
  readonly len: number;
  readonly write: boolean;
}

export interface UsedElem {
  readonly id: number;
  readonly len: number;
}

interface DriverQueue {
  readonly size: number;
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  readonly free: number[];
  readonly chains: Map<number, number[]>;
  availIdx: number;
  lastUsed: number;
}

/**
 * Plays the guest's virtio driver over an MMIO transport (tests and benchmarks only): feature
 * negotiation, queue setup in guest memory, chain submission (direct or indirect), notification
 * and used-ring collection. Follows the driver side of virtio 1.x 3.1 and 2.7.13.
 */
export class VirtioTestDriver {
  private heapNext: number;
  private readonly queues = new Map<number, DriverQueue>();
  negotiated = 0n;

  constructor(
    readonly transport: BusDevice,
    readonly memory: GuestMemory,
    private readonly heap: { start: number; end: number },
  ) {
    this.heapNext = heap.start;
  }

  /** One reusable register access buffer (the bus contract passes bytes, not numbers). */
  private readonly reg = new Uint8Array(4);
  private readonly regView = new DataView(this.reg.buffer);

  readReg(offset: number): number {
    this.transport.read(offset, this.reg);
    return this.regView.getUint32(0, true);
  }

  writeReg(offset: number, value: number): void {
    this.regView.setUint32(0, value >>> 0, true);
    this.transport.write(offset, this.reg);
  }

  readConfig(offset: number, length: number): Uint8Array {
    const b = new Uint8Array(length);
    this.transport.read(MmioReg.CONFIG + offset, b);
    return b;
  }

  writeConfig(offset: number, data: Uint8Array): void {
    this.transport.write(MmioReg.CONFIG + offset, data);
  }

  get status(): number {
    return this.readReg(MmioReg.STATUS);
  }

  /** Bump-allocate guest memory for rings and buffers. */
  alloc(length: number, align = 16): GuestAddress {
    const at = Math.ceil(this.heapNext / align) * align;
    if (at + length > this.heap.end) throw new Error('test driver heap exhausted');
    this.heapNext = at + length;
    return at as GuestAddress;
  }

  /** Free everything allocated after `mark` (from `heapMark`). */
  heapMark(): number {
    return this.heapNext;
  }
  heapRelease(mark: number): void {
    this.heapNext = mark;
  }

  reset(): void {
    this.writeReg(MmioReg.STATUS, 0);
    this.queues.clear();
  }

  /**
   * Reset, ACKNOWLEDGE, DRIVER, accept `offered & wanted`, FEATURES_OK. Throws if the device
   * refused the features (FEATURES_OK not set when read back).
   */
  negotiate(wanted: bigint = ~0n): bigint {
    this.reset();
    this.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE);
    this.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER);
    let offered = 0n;
    for (const sel of [0, 1]) {
      this.writeReg(MmioReg.DEVICE_FEATURES_SEL, sel);
      offered |= BigInt(this.readReg(MmioReg.DEVICE_FEATURES)) << BigInt(32 * sel);
    }
    const accepted = offered & wanted;
    for (const sel of [0, 1]) {
      this.writeReg(MmioReg.DRIVER_FEATURES_SEL, sel);
      this.writeReg(MmioReg.DRIVER_FEATURES, Number((accepted >> BigInt(32 * sel)) & 0xffff_ffffn));
    }
    this.writeReg(MmioReg.STATUS, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
    if (!(this.status & Status.FEATURES_OK)) throw new Error('device refused FEATURES_OK');
    this.negotiated = accepted;
    return accepted;
  }

  /** Allocate and register queue `index` with `size` entries (default: QueueNumMax). */
  setupQueue(index: number, size?: number): void {
    this.writeReg(MmioReg.QUEUE_SEL, index);
    const max = this.readReg(MmioReg.QUEUE_NUM_MAX);
    const n = size ?? max;
    const desc = this.alloc(16 * n, 16);
    const avail = this.alloc(6 + 2 * n, 2);
    const used = this.alloc(6 + 8 * n, 4);
    this.memory.fill(desc, 16 * n, 0);
    this.memory.fill(avail, 6 + 2 * n, 0);
    this.memory.fill(used, 6 + 8 * n, 0);
    this.writeReg(MmioReg.QUEUE_NUM, n);
    this.writeAddr(MmioReg.QUEUE_DESC_LOW, desc);
    this.writeAddr(MmioReg.QUEUE_DRIVER_LOW, avail);
    this.writeAddr(MmioReg.QUEUE_DEVICE_LOW, used);
    this.writeReg(MmioReg.QUEUE_READY, 1);
    if (this.readReg(MmioReg.QUEUE_READY) !== 1) throw new Error(`queue ${index} not accepted`);
    const free = Array.from({ length: n }, (_, i) => i);
    this.queues.set(index, {
      size: n,
      desc,
      avail,
      used,
      free,
      chains: new Map(),
      availIdx: 0,
      lastUsed: 0,
    });
  }

  private writeAddr(lowReg: number, addr: number): void {
    this.writeReg(lowReg, addr >>> 0);
    this.writeReg(lowReg + 4, Math.floor(addr / 0x1_0000_0000));
  }

  driverOk(): void {
    this.writeReg(MmioReg.STATUS, this.status | Status.DRIVER_OK);
    if (!(this.status & Status.DRIVER_OK)) throw new Error('device refused DRIVER_OK');
  }

  /** negotiate + set up `queueCount` queues (of `queueSize` entries, default max) + DRIVER_OK. */
  init(queueCount: number, wanted: bigint = ~0n, queueSize?: number): void {
    this.negotiate(wanted);
    for (let i = 0; i < queueCount; i++) this.setupQueue(i, queueSize);
    this.driverOk();
  }

  hasFeature(bit: number): boolean {
    return (this.negotiated & featureBit(bit)) !== 0n;
  }

  private queue(index: number): DriverQueue {
    const q = this.queues.get(index);
    if (!q) throw new Error(`queue ${index} not set up`);
    return q;
  }

  /** Place segments in guest memory (where needed) and return them as buffers. */
  place(segments: readonly Segment[]): PlacedBuffer[] {
    return segments.map((s) => {
      if ('data' in s) {
        const addr = this.alloc(Math.max(s.data.length, 1));
        this.memory.write(addr, s.data);
        return { addr, len: s.data.length, write: false };
      }
      if ('writable' in s) {
        const addr = this.alloc(Math.max(s.writable, 1));
        this.memory.fill(addr, s.writable, 0);
        return { addr, len: s.writable, write: true };
      }
      return { addr: s.addr as GuestAddress, len: s.len, write: s.write };
    });
  }

  /**
   * Make a chain available (without notifying). With `indirect`, one descriptor points at a
   * table holding the chain. Returns the head index and the placed buffers.
   */
  submit(
    queueIndex: number,
    segments: readonly Segment[],
    opts: { indirect?: boolean } = {},
  ): { head: number; buffers: PlacedBuffer[] } {
    const q = this.queue(queueIndex);
    const buffers = this.place(segments);
    const used: number[] = [];
    if (opts.indirect) {
      const table = this.alloc(16 * buffers.length, 16);
      buffers.forEach((b, i) => {
        const last = i === buffers.length - 1;
        this.writeDesc(
          table + 16 * i,
          b.addr,
          b.len,
          (b.write ? DescFlag.WRITE : 0) | (last ? 0 : DescFlag.NEXT),
          last ? 0 : i + 1,
        );
      });
      const d = this.takeFree(q);
      used.push(d);
      this.writeDesc(q.desc + 16 * d, table, 16 * buffers.length, DescFlag.INDIRECT, 0);
    } else {
      if (buffers.length > q.free.length) throw new Error('out of descriptors');
      for (let i = 0; i < buffers.length; i++) used.push(this.takeFree(q));
      buffers.forEach((b, i) => {
        const next = used[i + 1];
        const d = used[i] as number;
        this.writeDesc(
          q.desc + 16 * d,
          b.addr,
          b.len,
          (b.write ? DescFlag.WRITE : 0) | (next === undefined ? 0 : DescFlag.NEXT),
          next ?? 0,
        );
      });
    }
    const head = used[0] as number;
    q.chains.set(head, used);
    this.memory.writeU16((q.avail + 4 + 2 * (q.availIdx % q.size)) as GuestAddress, head);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.memory.storeU16Release((q.avail + 2) as GuestAddress, q.availIdx);
    return { head, buffers };
  }

  private takeFree(q: DriverQueue): number {
    const d = q.free.shift();
    if (d === undefined) throw new Error('out of descriptors');
    return d;
  }

  writeDesc(at: number, addr: number, len: number, flags: number, next: number): void {
    const a = at as GuestAddress;
    this.memory.writeU64(a, BigInt(addr));
    this.memory.writeU32((at + 8) as GuestAddress, len);
    this.memory.writeU16((at + 12) as GuestAddress, flags);
    this.memory.writeU16((at + 14) as GuestAddress, next);
  }

  /** Ring addresses of a queue (for tests that corrupt rings on purpose). */
  rings(queueIndex: number): { desc: number; avail: number; used: number; size: number } {
    const { desc, avail, used, size } = this.queue(queueIndex);
    return { desc, avail, used, size };
  }

  /** Publish an avail entry for an arbitrary head (hostile tests). */
  pushRawHead(queueIndex: number, head: number): void {
    const q = this.queue(queueIndex);
    this.memory.writeU16((q.avail + 4 + 2 * (q.availIdx % q.size)) as GuestAddress, head);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.memory.writeU16((q.avail + 2) as GuestAddress, q.availIdx);
  }

  notify(queueIndex: number): void {
    this.writeReg(MmioReg.QUEUE_NOTIFY, queueIndex);
  }

  /** Collect new used elements and recycle their descriptors. */
  collectUsed(queueIndex: number): UsedElem[] {
    const q = this.queue(queueIndex);
    const idx = this.memory.loadU16Acquire((q.used + 2) as GuestAddress);
    const out: UsedElem[] = [];
    while (q.lastUsed !== idx) {
      const at = q.used + 4 + 8 * (q.lastUsed % q.size);
      const id = this.memory.readU32(at as GuestAddress);
      const len = this.memory.readU32((at + 4) as GuestAddress);
      out.push({ id, len });
      const descs = q.chains.get(id);
      if (descs) {
        q.free.push(...descs);
        q.chains.delete(id);
      }
      q.lastUsed = (q.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** EVENT_IDX: ask for an interrupt only once the used index passes `value`. */
  setUsedEvent(queueIndex: number, value: number): void {
    const q = this.queue(queueIndex);
    this.memory.writeU16((q.avail + 4 + 2 * q.size) as GuestAddress, value);
  }

  /** Device's avail_event (EVENT_IDX): the avail index at which it wants a notification. */
  availEvent(queueIndex: number): number {
    const q = this.queue(queueIndex);
    return this.memory.readU16((q.used + 4 + 8 * q.size) as GuestAddress);
  }

  setAvailFlags(queueIndex: number, flags: number): void {
    this.memory.writeU16(this.queue(queueIndex).avail as GuestAddress, flags);
  }

  interruptStatus(): number {
    return this.readReg(MmioReg.INTERRUPT_STATUS);
  }

  ackInterrupts(): number {
    const s = this.interruptStatus();
    this.writeReg(MmioReg.INTERRUPT_ACK, s);
    return s;
  }

  /** Read back what the device wrote into a placed buffer. */
  readBuffer(b: PlacedBuffer): Uint8Array {
    const out = new Uint8Array(b.len);
    this.memory.read(b.addr, out);
    return out;
  }
}

/** Features a driver with no special wishes accepts: everything but the listed bits. */
export function allFeaturesExcept(...bits: number[]): bigint {
  return bits.reduce((m, b) => m & ~featureBit(b), ~0n);
}

export { Feature };
