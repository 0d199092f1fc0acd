import type { GuestAddress } from '../../../memory/guest-address';
import { DeviceType, featureBit } from '../../../virtio/constants';
import {
  readConfigBytes,
  type VirtioDevice,
  type VirtioDeviceContext,
} from '../../../virtio/device';
import { type Scheduler, type TokenLimiter, takeTokens } from '../../../virtio/scheduler';
import type { BlockBackend } from './backend';
import { blockMetrics } from './metrics';
import {
  BLK_ID_BYTES,
  BlkStatus,
  BlkType,
  type BlockRequest,
  parseBlockRequest,
  SECTOR_SIZE,
} from './request';

/** virtio-blk feature bits (5.2.3). */
export const BlkFeature = { SIZE_MAX: 1, SEG_MAX: 2, RO: 5, BLK_SIZE: 6, FLUSH: 9 } as const;

export const BLK_QUEUE_SIZE = 256;
/** Largest data segment count we advertise (SEG_MAX): queue size minus header and status. */
const SEG_MAX = BLK_QUEUE_SIZE - 2;

export interface BlockDeviceOptions {
  /** Serial number returned by GET_ID (truncated to 20 bytes). */
  readonly id?: string;
  readonly rateLimiter?: TokenLimiter;
  /** Needed only with a rate limiter: how to come back when it refills. */
  readonly scheduler?: Scheduler;
}

/**
 * virtio-blk over a BlockBackend. One queue; requests run one at a time in ring order, so a
 * FLUSH completes only after every earlier write reached the backend, and async backends need no
 * reordering logic. Guest errors give IOERR/UNSUPP statuses; a malformed ring gives
 * DEVICE_NEEDS_RESET (through the context).
 */
export class BlockDevice implements VirtioDevice {
  readonly deviceType = DeviceType.BLOCK;
  readonly queueMaxSizes = [BLK_QUEUE_SIZE];
  readonly metrics = blockMetrics();
  readonly commonMetrics = this.metrics;
  readonly deviceFeatures: bigint;
  readonly id: Uint8Array;
  private readonly config: Uint8Array;
  private ctx: VirtioDeviceContext | undefined;
  /** A request is waiting for an async backend call. */
  private busy = false;
  private waitingForTokens = false;
  /** Bumped on reset so completions of requests from before the reset are dropped. */
  private epoch = 0;

  constructor(
    readonly backend: BlockBackend,
    private readonly options: BlockDeviceOptions = {},
  ) {
    let features =
      featureBit(BlkFeature.FLUSH) |
      featureBit(BlkFeature.SEG_MAX) |
      featureBit(BlkFeature.BLK_SIZE);
    if (backend.readOnly) features |= featureBit(BlkFeature.RO);
    this.deviceFeatures = features;
    this.id = asciiBytes(options.id ?? 'kindling-blk', BLK_ID_BYTES);
    // capacity (u64) @0, size_max @8, seg_max @12, geometry @16, blk_size @20.
    this.config = new Uint8Array(24);
    const view = new DataView(this.config.buffer);
    const sectors = Math.floor(backend.size / SECTOR_SIZE);
    view.setUint32(0, sectors >>> 0, true);
    view.setUint32(4, Math.floor(sectors / 0x1_0000_0000), true);
    view.setUint32(12, SEG_MAX, true);
    view.setUint32(20, SECTOR_SIZE, true);
  }

  get capacitySectors(): number {
    return Math.floor(this.backend.size / SECTOR_SIZE);
  }

  readConfig(offset: number, data: Uint8Array): void {
    if (!readConfigBytes(this.config, offset, data)) this.metrics.cfg_fails++;
  }

  writeConfig(): void {
    this.metrics.cfg_fails++; // nothing in our config space is writable
  }

  activate(context: VirtioDeviceContext): void {
    this.ctx = context;
  }

  reset(): void {
    this.ctx = undefined;
    this.busy = false;
    this.waitingForTokens = false;
    this.epoch++;
  }

  /** True while a request is in flight (snapshots should wait for idle). */
  get idle(): boolean {
    return !this.busy;
  }

  processQueue(_index: number): void {
    if (this.busy || this.waitingForTokens) return;
    const ctx = this.ctx;
    const queue = ctx?.queues[0];
    if (!ctx || !queue) return;
    let completed = 0;
    for (;;) {
      const chain = queue.pop(ctx.memory);
      if (!chain) break;
      const request = parseBlockRequest(ctx.memory, chain);
      if (typeof request === 'string') {
        this.metrics.invalid_reqs_count++;
        queue.addUsed(ctx.memory, chain.head, 0);
        completed++;
        continue;
      }
      const bytes = request.type === BlkType.IN ? request.inData.length : request.outData.remaining;
      if (!takeTokens(this.options.rateLimiter, request.type === BlkType.FLUSH ? 0 : bytes)) {
        queue.undoPop();
        this.throttle();
        break;
      }
      const pending = this.execute(request);
      if (typeof pending === 'number') {
        this.complete(request, pending);
        completed++;
        continue;
      }
      // Async backend: stop here; the completion resumes the queue, keeping ring order.
      this.busy = true;
      const epoch = this.epoch;
      void pending.then((status) => {
        if (epoch !== this.epoch) return;
        this.busy = false;
        this.guard(() => {
          this.complete(request, status);
          ctx.signalUsed(0);
          this.processQueue(0);
        });
      });
      break;
    }
    if (completed > 0) ctx.signalUsed(0);
  }

  /** Run `fn`, turning any escape (a ring the guest broke meanwhile) into DEVICE_NEEDS_RESET. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx?.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private throttle(): void {
    const { rateLimiter, scheduler } = this.options;
    this.metrics.rate_limiter_throttled_events++;
    const wait = rateLimiter?.msUntilRefill();
    if (!scheduler || wait === undefined) return; // retried at the next notification
    this.waitingForTokens = true;
    const epoch = this.epoch;
    scheduler.schedule(wait, () => {
      if (epoch !== this.epoch) return;
      this.waitingForTokens = false;
      this.guard(() => this.processQueue(0));
    });
  }

  private complete(request: BlockRequest, status: number): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const queue = ctx.queues[0];
    if (!queue) return;
    ctx.memory.writeU8(request.status.addr as GuestAddress, status);
    // Used length = bytes the device wrote: data (IN, GET_ID) plus the status byte.
    let written = 0;
    if (status === BlkStatus.OK && request.type === BlkType.IN) written = request.inData.length;
    if (status === BlkStatus.OK && request.type === BlkType.GET_ID) {
      written = Math.min(BLK_ID_BYTES, request.inData.length);
    }
    if (status === BlkStatus.IOERR) this.metrics.io_errors++;
    queue.addUsed(ctx.memory, request.head, written + 1);
  }

  /** Do the request; a number is a status available now, a promise one available later. */
  private execute(r: BlockRequest): number | Promise<number> {
    switch (r.type) {
      case BlkType.IN:
        return this.transfer(r, false);
      case BlkType.OUT:
        return this.transfer(r, true);
      case BlkType.FLUSH:
        this.metrics.flush_count++;
        return settle(() => this.backend.flush());
      case BlkType.GET_ID: {
        this.metrics.get_id_count++;
        const id = new Uint8Array(BLK_ID_BYTES);
        id.set(this.id);
        r.inData.write(id.subarray(0, Math.min(BLK_ID_BYTES, r.inData.length)));
        return BlkStatus.OK;
      }
      default:
        this.metrics.invalid_reqs_count++;
        return BlkStatus.UNSUPP;
    }
  }

  private transfer(r: BlockRequest, isWrite: boolean): number | Promise<number> {
    const length = isWrite ? r.outData.remaining : r.inData.length;
    const offset = r.sector * SECTOR_SIZE;
    const inRange =
      length % SECTOR_SIZE === 0 &&
      Number.isSafeInteger(offset + length) &&
      offset + length <= this.capacitySectors * SECTOR_SIZE;
    if (!inRange || (isWrite && this.backend.readOnly)) {
      this.metrics.invalid_reqs_count++;
      return BlkStatus.IOERR;
    }
    if (isWrite) {
      // One-descriptor data goes to the backend as a view of guest memory (no bounce copy).
      const data = r.outData.view(length) ?? r.outData.readAll();
      this.metrics.write_count++;
      this.metrics.write_bytes += length;
      return settle(() => this.backend.write(offset, data));
    }
    this.metrics.read_count++;
    this.metrics.read_bytes += length;
    const direct = r.inData.view(length);
    if (direct) return settle(() => this.backend.read(offset, direct));
    const data = new Uint8Array(length);
    return then(
      settle(() => this.backend.read(offset, data)),
      (status) => {
        if (status !== BlkStatus.OK) return status;
        try {
          r.inData.write(data);
          return status;
        } catch {
          return BlkStatus.IOERR;
        }
      },
    );
  }
}

/** Call a backend operation; map its outcome (sync or async, success or failure) to a status. */
function settle(op: () => void | Promise<void>): number | Promise<number> {
  try {
    const result = op();
    if (result instanceof Promise) {
      return result.then(
        () => BlkStatus.OK,
        () => BlkStatus.IOERR,
      );
    }
    return BlkStatus.OK;
  } catch {
    return BlkStatus.IOERR;
  }
}

function then(
  value: number | Promise<number>,
  f: (status: number) => number,
): number | Promise<number> {
  return typeof value === 'number' ? f(value) : value.then(f);
}

/** The serial as ASCII (core has no TextEncoder); other characters become '?'. */
function asciiBytes(text: string, max: number): Uint8Array {
  const chars = Array.from(text.slice(0, max), (c) => {
    const code = c.charCodeAt(0);
    return code >= 0x20 && code < 0x7f ? code : 0x3f;
  });
  return Uint8Array.from(chars);
}
