import { DeviceType } from '../../../virtio/constants';
import { ChainCursor } from '../../../virtio/chain-cursor';
import type { VirtioDevice, VirtioDeviceContext } from '../../../virtio/device';
import { type Scheduler, type TokenLimiter, takeTokens } from '../../../virtio/scheduler';
import { rngMetrics } from './metrics';

/** Fills a buffer with random bytes (at most 65536 per call, as Web Crypto requires). */
export type RandomSource = (buf: Uint8Array) => void;

/** `crypto.getRandomValues` exists in browsers and Node ≥ 20; core has no DOM lib, so declare it. */
declare const crypto: { getRandomValues(buf: Uint8Array): Uint8Array };

export const webCryptoSource: RandomSource = (buf) => {
  crypto.getRandomValues(buf);
};

const CHUNK = 65536;
/** Most bytes we hand out per request (bounds work per notification). */
const MAX_REQUEST_BYTES = 1 << 20;
export const RNG_QUEUE_SIZE = 256;

/** virtio-rng (5.4): one queue of device-writable buffers, filled with random bytes. */
export class RngDevice implements VirtioDevice {
  readonly deviceType = DeviceType.RNG;
  readonly queueMaxSizes = [RNG_QUEUE_SIZE];
  readonly deviceFeatures = 0n;
  readonly metrics = rngMetrics();
  readonly commonMetrics = this.metrics;
  private ctx: VirtioDeviceContext | undefined;
  private readonly chunk = new Uint8Array(CHUNK);

  private waitingForTokens = false;
  private epoch = 0;

  constructor(
    private readonly source: RandomSource = webCryptoSource,
    private readonly options: { rateLimiter?: TokenLimiter; scheduler?: Scheduler } = {},
  ) {}

  readConfig(_offset: number, data: Uint8Array): void {
    data.fill(0);
    this.metrics.cfg_fails++;
  }
  writeConfig(): void {
    this.metrics.cfg_fails++;
  }
  activate(context: VirtioDeviceContext): void {
    this.ctx = context;
  }
  reset(): void {
    this.ctx = undefined;
    this.waitingForTokens = false;
    this.epoch++;
  }

  processQueue(index: number): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[index];
    if (!ctx || !queue || this.waitingForTokens) return;
    let any = false;
    for (let chain = queue.pop(ctx.memory); chain; chain = queue.pop(ctx.memory)) {
      const length = Math.min(chain.writableBytes, MAX_REQUEST_BYTES);
      if (!takeTokens(this.options.rateLimiter, length)) {
        queue.undoPop();
        this.throttle(index);
        break;
      }
      this.metrics.entropy_event_count++;
      const cursor = new ChainCursor(ctx.memory, chain.writable, length);
      let written = 0;
      try {
        while (cursor.remaining > 0) {
          const piece = this.chunk.subarray(0, Math.min(CHUNK, cursor.remaining));
          this.source(piece);
          written += cursor.write(piece);
        }
      } catch {
        this.metrics.host_rng_fails++;
      }
      this.metrics.entropy_bytes += written;
      queue.addUsed(ctx.memory, chain.head, written);
      any = true;
    }
    if (any) ctx.signalUsed(index);
  }

  private throttle(index: number): void {
    this.metrics.entropy_rate_limiter_throttled++;
    const wait = this.options.rateLimiter?.msUntilRefill();
    const scheduler = this.options.scheduler;
    if (!scheduler || wait === undefined) return;
    this.waitingForTokens = true;
    const epoch = this.epoch;
    scheduler.schedule(wait, () => {
      if (epoch !== this.epoch) return;
      this.waitingForTokens = false;
      try {
        this.processQueue(index);
      } catch (e) {
        this.ctx?.fail(e instanceof Error ? e.message : String(e));
      }
    });
  }
}
