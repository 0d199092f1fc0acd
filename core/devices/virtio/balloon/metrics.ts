import { commonMetrics, type VirtioCommonMetrics } from '../../../virtio/device';

/** virtio-balloon counters (Firecracker's balloon metric names). */
export interface BalloonMetrics extends VirtioCommonMetrics {
  inflate_count: number;
  deflate_count: number;
  stats_updates_count: number;
  stats_update_fails: number;
  /** PFNs outside guest memory that the guest tried to (de)flate. */
  invalid_pfns: number;
}

export function balloonMetrics(): BalloonMetrics {
  return {
    ...commonMetrics(),
    inflate_count: 0,
    deflate_count: 0,
    stats_updates_count: 0,
    stats_update_fails: 0,
    invalid_pfns: 0,
  };
}
