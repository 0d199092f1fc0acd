import { commonMetrics, type VirtioCommonMetrics } from '../../../virtio/device';

/** virtio-rng counters (Firecracker's entropy metrics). */
export interface RngMetrics extends VirtioCommonMetrics {
  entropy_bytes: number;
  entropy_event_count: number;
  host_rng_fails: number;
  entropy_rate_limiter_throttled: number;
}

export function rngMetrics(): RngMetrics {
  return {
    ...commonMetrics(),
    entropy_bytes: 0,
    entropy_event_count: 0,
    host_rng_fails: 0,
    entropy_rate_limiter_throttled: 0,
  };
}
