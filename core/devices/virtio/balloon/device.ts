import type { GuestAddress } from '../../../memory/guest-address';
import { ChainCursor } from '../../../virtio/chain-cursor';
import { DeviceType, featureBit } from '../../../virtio/constants';
import {
  readConfigBytes,
  type VirtioDevice,
  type VirtioDeviceContext,
} from '../../../virtio/device';
import { balloonMetrics } from './metrics';
import { type BalloonStats, parseStats } from './stats';

export const BalloonFeature = { MUST_TELL_HOST: 0, STATS_VQ: 1, DEFLATE_ON_OOM: 2 } as const;
export const BALLOON_PAGE_SIZE = 4096;
export const BALLOON_QUEUE_SIZE = 256;
const INFLATE = 0;
const DEFLATE = 1;
const STATS = 2;

export interface BalloonDeviceOptions {
  /** Offer the stats queue (VIRTIO_BALLOON_F_STATS_VQ). */
  readonly stats?: boolean;
  /** Offer VIRTIO_BALLOON_F_DEFLATE_ON_OOM. */
  readonly deflateOnOom?: boolean;
  /**
   * Called with each run of newly ballooned guest memory, so the host can give the pages back
   * (zero them, madvise(DONTNEED) an mmap'd slot...). Guest addresses are inside guest RAM.
   */
  readonly discard?: (address: GuestAddress, length: number) => void;
}

/**
 * virtio-balloon (5.5): inflate/deflate queues of 4 KiB page frame numbers, an optional stats
 * queue, and config num_pages (host target) / actual (guest's current balloon).
 */
export class BalloonDevice implements VirtioDevice {
  readonly deviceType = DeviceType.BALLOON;
  readonly queueMaxSizes: readonly number[];
  readonly deviceFeatures: bigint;
  readonly metrics = balloonMetrics();
  readonly commonMetrics = this.metrics;
  /** Ballooned page frame numbers. */
  private readonly pages = new Set<number>();
  private readonly config = new Uint8Array(8);
  private ctx: VirtioDeviceContext | undefined;
  /** Head of the stats buffer we hold until we want fresh numbers (-1: none held). */
  statsHead = -1;
  latestStats: BalloonStats = {};

  constructor(private readonly options: BalloonDeviceOptions = {}) {
    let features = featureBit(BalloonFeature.MUST_TELL_HOST);
    if (options.stats) features |= featureBit(BalloonFeature.STATS_VQ);
    if (options.deflateOnOom) features |= featureBit(BalloonFeature.DEFLATE_ON_OOM);
    this.deviceFeatures = features;
    this.queueMaxSizes = options.stats
      ? [BALLOON_QUEUE_SIZE, BALLOON_QUEUE_SIZE, BALLOON_QUEUE_SIZE]
      : [BALLOON_QUEUE_SIZE, BALLOON_QUEUE_SIZE];
  }

  private get view(): DataView {
    return new DataView(this.config.buffer);
  }

  /** Pages the host asks the guest to give up. */
  get targetPages(): number {
    return this.view.getUint32(0, true);
  }

  /** Pages the guest says are in the balloon (written by the driver). */
  get actualPages(): number {
    return this.view.getUint32(4, true);
  }

  /** Pages the device has seen inflated and not deflated. */
  get balloonedPages(): number {
    return this.pages.size;
  }

  isBallooned(pfn: number): boolean {
    return this.pages.has(pfn);
  }

  /** Sorted list of ballooned PFNs (for snapshots). */
  balloonedPfns(): number[] {
    return [...this.pages].sort((a, b) => a - b);
  }

  /** Set the host's target (in 4 KiB pages) and tell the guest. */
  setTarget(pages: number): void {
    if (!Number.isInteger(pages) || pages < 0 || pages > 0xffff_ffff) {
      throw new RangeError(`bad balloon target ${pages}`);
    }
    this.view.setUint32(0, pages, true);
    this.ctx?.signalConfigChange();
  }

  /** Set the target in MiB (Firecracker's `amount_mib`). */
  setTargetMib(mib: number): void {
    this.setTarget(mib * ((1024 * 1024) / BALLOON_PAGE_SIZE));
  }

  /**
   * Ask the guest for fresh statistics: hand back the stats buffer we hold; the guest refills
   * and re-posts it. Returns false when no buffer is held (stats off or guest not ready).
   */
  requestStats(): boolean {
    const ctx = this.ctx;
    const queue = ctx?.queues[STATS];
    if (!ctx || !queue || this.statsHead < 0) return false;
    try {
      queue.addUsed(ctx.memory, this.statsHead, 0);
      this.statsHead = -1;
      ctx.signalUsed(STATS);
      return true;
    } catch (e) {
      ctx.fail(String(e));
      return false;
    }
  }

  readConfig(offset: number, data: Uint8Array): void {
    if (!readConfigBytes(this.config, offset, data)) this.metrics.cfg_fails++;
  }

  writeConfig(offset: number, data: Uint8Array): void {
    // Only `actual` (offset 4..8) is driver-writable.
    if (offset < 4 || offset + data.length > 8) {
      this.metrics.cfg_fails++;
      return;
    }
    this.config.set(data, offset);
  }

  activate(context: VirtioDeviceContext): void {
    this.ctx = context;
  }

  reset(): void {
    this.ctx = undefined;
    this.statsHead = -1;
    // Ballooned pages stay recorded: the guest re-reports them as it re-inflates after reset.
  }

  /** Restore device-side state (called by persist before the transport re-activates us). */
  restoreState(
    target: number,
    actual: number,
    pfns: readonly number[],
    statsHead: number,
    stats: BalloonStats,
  ): void {
    this.view.setUint32(0, target, true);
    this.view.setUint32(4, actual, true);
    this.pages.clear();
    for (const p of pfns) this.pages.add(p);
    this.statsHead = statsHead;
    this.latestStats = { ...stats };
  }

  processQueue(index: number): void {
    if (index === INFLATE || index === DEFLATE) this.handlePages(index === INFLATE);
    else if (index === STATS) this.handleStats();
  }

  private handlePages(inflate: boolean): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[inflate ? INFLATE : DEFLATE];
    if (!ctx || !queue) return;
    let any = false;
    for (let chain = queue.pop(ctx.memory); chain; chain = queue.pop(ctx.memory)) {
      any = true;
      const bytes = new ChainCursor(ctx.memory, chain.readable, chain.readableBytes).readAll();
      const view = new DataView(bytes.buffer);
      let runStart = -1;
      let runLength = 0;
      const flush = (): void => {
        if (runLength > 0) this.discardRun(runStart, runLength);
        runLength = 0;
      };
      for (let at = 0; at + 4 <= bytes.length; at += 4) {
        const pfn = view.getUint32(at, true);
        if (!ctx.memory.isRangeValid(pfn * BALLOON_PAGE_SIZE, BALLOON_PAGE_SIZE)) {
          this.metrics.invalid_pfns++;
          continue;
        }
        if (!inflate) {
          this.pages.delete(pfn);
          continue;
        }
        if (this.pages.has(pfn)) continue;
        this.pages.add(pfn);
        if (runLength > 0 && pfn === runStart + runLength) runLength++;
        else {
          flush();
          runStart = pfn;
          runLength = 1;
        }
      }
      flush();
      if (inflate) this.metrics.inflate_count++;
      else this.metrics.deflate_count++;
      queue.addUsed(ctx.memory, chain.head, 0);
    }
    if (any) ctx.signalUsed(inflate ? INFLATE : DEFLATE);
  }

  private discardRun(pfn: number, pages: number): void {
    try {
      this.options.discard?.((pfn * BALLOON_PAGE_SIZE) as GuestAddress, pages * BALLOON_PAGE_SIZE);
    } catch {
      // A failing host hook leaves the pages resident; the balloon bookkeeping stays correct.
    }
  }

  private handleStats(): void {
    const ctx = this.ctx;
    const queue = ctx?.queues[STATS];
    if (!ctx || !queue) return;
    for (let chain = queue.pop(ctx.memory); chain; chain = queue.pop(ctx.memory)) {
      if (this.statsHead >= 0) {
        // The driver must not post a second buffer while we hold one: return the old one.
        this.metrics.stats_update_fails++;
        queue.addUsed(ctx.memory, this.statsHead, 0);
        ctx.signalUsed(STATS);
      }
      const bytes = new ChainCursor(ctx.memory, chain.readable, chain.readableBytes).readAll();
      this.latestStats = parseStats(bytes);
      this.statsHead = chain.head;
      this.metrics.stats_updates_count++;
    }
  }
}
