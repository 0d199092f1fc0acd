import { commonMetrics, type VirtioCommonMetrics } from '../../../virtio/device';

/** virtio-vsock counters (Firecracker's vsock metric names where they exist). */
export interface VsockMetrics extends VirtioCommonMetrics {
  conns_added: number;
  conns_killed: number;
  conns_removed: number;
  rx_bytes_count: number;
  rx_packets_count: number;
  tx_bytes_count: number;
  tx_packets_count: number;
  /** Guest packets we could not accept (bad type, CID, header). */
  tx_malformed_packets: number;
  /** Control packets dropped because too many were waiting for guest rx buffers. */
  rx_dropped_packets: number;
}

export function vsockMetrics(): VsockMetrics {
  return {
    ...commonMetrics(),
    conns_added: 0,
    conns_killed: 0,
    conns_removed: 0,
    rx_bytes_count: 0,
    rx_packets_count: 0,
    tx_bytes_count: 0,
    tx_packets_count: 0,
    tx_malformed_packets: 0,
    rx_dropped_packets: 0,
  };
}
