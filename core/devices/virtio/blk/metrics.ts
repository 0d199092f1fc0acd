import { commonMetrics, type VirtioCommonMetrics } from '../../../virtio/device';

/** virtio-blk counters, named as Firecracker's block metrics. */
export interface BlockMetrics extends VirtioCommonMetrics {
  flush_count: number;
  read_count: number;
  write_count: number;
  read_bytes: number;
  write_bytes: number;
  get_id_count: number;
  invalid_reqs_count: number;
  io_errors: number;
  rate_limiter_throttled_events: number;
}

export function blockMetrics(): BlockMetrics {
  return {
    ...commonMetrics(),
    flush_count: 0,
    read_count: 0,
    write_count: 0,
    read_bytes: 0,
    write_bytes: 0,
    get_id_count: 0,
    invalid_reqs_count: 0,
    io_errors: 0,
    rate_limiter_throttled_events: 0,
  };
}
