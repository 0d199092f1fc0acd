import { commonMetrics, type VirtioCommonMetrics } from '../../../virtio/device';

/** virtio-net counters, named as Firecracker's net metrics. */
export interface NetMetrics extends VirtioCommonMetrics {
  rx_bytes_count: number;
  rx_packets_count: number;
  rx_fails: number;
  /** Frames dropped because the pending-rx buffer was full. */
  rx_dropped_frames: number;
  /** Times a frame arrived while the guest had no rx buffer posted. */
  no_rx_avail_buffer: number;
  rx_rate_limiter_throttled: number;
  tx_bytes_count: number;
  tx_packets_count: number;
  tx_fails: number;
  tx_malformed_frames: number;
  tx_rate_limiter_throttled: number;
}

export function netMetrics(): NetMetrics {
  return {
    ...commonMetrics(),
    rx_bytes_count: 0,
    rx_packets_count: 0,
    rx_fails: 0,
    rx_dropped_frames: 0,
    no_rx_avail_buffer: 0,
    rx_rate_limiter_throttled: 0,
    tx_bytes_count: 0,
    tx_packets_count: 0,
    tx_fails: 0,
    tx_malformed_frames: 0,
    tx_rate_limiter_throttled: 0,
  };
}
