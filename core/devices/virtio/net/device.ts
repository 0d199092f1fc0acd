import { ChainCursor } from '../../../virtio/chain-cursor';
import { DeviceType, featureBit } from '../../../virtio/constants';
import {
  readConfigBytes,
  type VirtioDevice,
  type VirtioDeviceContext,
} from '../../../virtio/device';
import { type Scheduler, type TokenLimiter, takeTokens } from '../../../virtio/scheduler';
import { netMetrics } from './metrics';

/** virtio-net feature bits we offer (5.1.3). No offloads: frames carry full checksums. */
export const NetFeature = { MAC: 5, STATUS: 16 } as const;
export const NET_S_LINK_UP = 1;
/** virtio_net_hdr size with VERSION_1 (num_buffers is always present). */
export const NET_HDR_BYTES = 12;
/** Largest Ethernet frame we pass (no TSO): 64 KiB + a header's worth. */
export const MAX_FRAME_BYTES = 65562;
export const NET_QUEUE_SIZE = 256;
const RX = 0;
const TX = 1;

/** Where transmitted frames go (a switch port, a tap device, a WebSocket...). */
export interface NetBackend {
  send(frame: Uint8Array): void;
}

/** Sees each transmitted frame before the backend; returns true when it consumed the frame. */
export type NetTxInterceptor = (frame: Uint8Array) => boolean;

export interface NetDeviceOptions {
  readonly mac: Uint8Array;
  readonly backend?: NetBackend;
  /** Frames kept while the guest has no rx buffer; beyond this they are dropped. */
  readonly rxBufferFrames?: number;
  readonly rxRateLimiter?: TokenLimiter;
  readonly txRateLimiter?: TokenLimiter;
  readonly scheduler?: Scheduler;
}

/**
 * virtio-net (5.1) with one rx/tx queue pair, MAC and link status in config, and no offloads.
 * Inbound frames enter through `receive`; they wait in a bounded FIFO until the guest posts rx
 * buffers.
 */
export class NetDevice implements VirtioDevice {
  readonly deviceType = DeviceType.NET;
  readonly queueMaxSizes = [NET_QUEUE_SIZE, NET_QUEUE_SIZE];
  readonly deviceFeatures = featureBit(NetFeature.MAC) | featureBit(NetFeature.STATUS);
  readonly metrics = netMetrics();
  readonly commonMetrics = this.metrics;
  readonly mac: Uint8Array;
  backend: NetBackend | undefined;
  /** Frames it consumes never reach `backend` (the MMDS answers those itself). */
  txInterceptor: NetTxInterceptor | undefined;
  private readonly config = new Uint8Array(8);
  private readonly rxPending: Uint8Array[] = [];
  private readonly rxLimit: number;
  private ctx: VirtioDeviceContext | undefined;
  private readonly waiting = [false, false];
  private epoch = 0;

  constructor(private readonly options: NetDeviceOptions) {
    if (options.mac.length !== 6) throw new RangeError('MAC must be 6 bytes');
    this.mac = Uint8Array.from(options.mac);
    this.backend = options.backend;
    this.rxLimit = options.rxBufferFrames ?? 256;
    this.config.set(this.mac);
    this.setLinkUp(true);
  }

  get linkUp(): boolean {
    return (this.config[6]! & NET_S_LINK_UP) !== 0;
  }

  /** Change link status (guests see it with VIRTIO_NET_F_STATUS through a config interrupt). */
  setLinkUp(up: boolean): void {
    this.config[6] = up ? NET_S_LINK_UP : 0;
    this.ctx?.signalConfigChange();
  }

  /** Number of inbound frames waiting for guest rx buffers. */
  get pendingRxFrames(): number {
    return this.rxPending.length;
  }

  readConfig(offset: number, data: Uint8Array): void {
    if (!readConfigBytes(this.config, offset, data)) this.metrics.cfg_fails++;
  }
  writeConfig(): void {
    this.metrics.cfg_fails++; // the MAC is read-only with VERSION_1
  }
  activate(context: VirtioDeviceContext): void {
    this.ctx = context;
  }
  reset(): void {
    this.ctx = undefined;
    this.rxPending.length = 0;
    this.waiting.fill(false);
    this.epoch++;
  }

  processQueue(index: number): void {
    if (index === TX) this.transmit();
    else if (index === RX) this.deliver();
  }

  /**
   * A frame from the outside world for the guest. Returns false when it was dropped (buffer
   * full or link down).
   */
  receive(frame: Uint8Array): boolean {
    if (!this.linkUp || frame.length > MAX_FRAME_BYTES) {
      this.metrics.rx_fails++;
      return false;
    }
    if (this.rxPending.length >= this.rxLimit) {
      this.metrics.rx_dropped_frames++;
      return false;
    }
    this.rxPending.push(Uint8Array.from(frame));
    this.guard(() => this.deliver());
    return true;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx?.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private deliver(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[RX];
    if (!ctx || !queue?.ready || this.waiting[RX]) return;
    let delivered = false;
    while (this.rxPending.length > 0) {
      const frame = this.rxPending[0]!;
      if (!takeTokens(this.options.rxRateLimiter, frame.length)) {
        this.metrics.rx_rate_limiter_throttled++;
        this.retryLater(RX, this.options.rxRateLimiter);
        break;
      }
      const chain = queue.pop(ctx.memory);
      if (!chain) {
        this.options.rxRateLimiter?.manualReplenish(1, 'ops');
        this.options.rxRateLimiter?.manualReplenish(frame.length, 'bandwidth');
        this.metrics.no_rx_avail_buffer++;
        break;
      }
      this.rxPending.shift();
      const out = new ChainCursor(ctx.memory, chain.writable, chain.writableBytes);
      if (out.length < NET_HDR_BYTES + frame.length) {
        this.metrics.rx_fails++; // buffer too small for the frame: drop it, return the buffer
        queue.addUsed(ctx.memory, chain.head, 0);
      } else {
        const header = new Uint8Array(NET_HDR_BYTES);
        header[10] = 1; // num_buffers
        out.write(header);
        out.write(frame);
        queue.addUsed(ctx.memory, chain.head, NET_HDR_BYTES + frame.length);
        this.metrics.rx_packets_count++;
        this.metrics.rx_bytes_count += frame.length;
      }
      delivered = true;
    }
    if (delivered) ctx.signalUsed(RX);
  }

  private transmit(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[TX];
    if (!ctx || !queue || this.waiting[TX]) return;
    let any = false;
    for (let chain = queue.pop(ctx.memory); chain; chain = queue.pop(ctx.memory)) {
      const size = chain.readableBytes - NET_HDR_BYTES;
      if (!takeTokens(this.options.txRateLimiter, Math.max(size, 0))) {
        queue.undoPop();
        this.metrics.tx_rate_limiter_throttled++;
        this.retryLater(TX, this.options.txRateLimiter);
        break;
      }
      any = true;
      if (size < 14 || size > MAX_FRAME_BYTES) {
        this.metrics.tx_malformed_frames++;
        queue.addUsed(ctx.memory, chain.head, 0);
        continue;
      }
      const cursor = new ChainCursor(ctx.memory, chain.readable, chain.readableBytes);
      cursor.skip(NET_HDR_BYTES);
      const frame = cursor.readAll();
      queue.addUsed(ctx.memory, chain.head, 0);
      this.metrics.tx_packets_count++;
      this.metrics.tx_bytes_count += frame.length;
      try {
        if (this.txInterceptor?.(frame) !== true) this.backend?.send(frame);
      } catch {
        this.metrics.tx_fails++;
      }
    }
    if (any) ctx.signalUsed(TX);
  }

  private retryLater(queue: number, limiter: TokenLimiter | undefined): void {
    const wait = limiter?.msUntilRefill();
    const scheduler = this.options.scheduler;
    if (!scheduler || wait === undefined) return;
    this.waiting[queue] = true;
    const epoch = this.epoch;
    scheduler.schedule(wait, () => {
      if (epoch !== this.epoch) return;
      this.waiting[queue] = false;
      this.guard(() => this.processQueue(queue));
    });
  }
}
