/**
 * Firecracker-style API metrics: requests per method and endpoint (`get_api_requests`,
 * `put_api_requests`, `patch_api_requests`), faults, and request latencies. Like Firecracker's
 * counters, each flush reports what happened since the previous flush.
 */

export interface ApiMetricsSnapshot {
  api_server: { requests: number; fault_responses: number; process_startup_time_us: number };
  get_api_requests: Record<string, number>;
  put_api_requests: Record<string, number>;
  patch_api_requests: Record<string, number>;
  latencies_us: { api_request_count: number; api_request_avg: number; api_request_max: number };
}

/** `/machine-config` → `machine-config_count`, `/drives/root` → `drives_count`, `/` → `instance_info_count`. */
export function endpointKey(path: string): string {
  const first = path.split('?')[0]!.split('/').filter(Boolean)[0];
  return `${first ?? 'instance_info'}_count`;
}

export class ApiMetrics {
  private requests = 0;
  private faults = 0;
  private readonly byMethod = {
    GET: new Map<string, number>(),
    PUT: new Map<string, number>(),
    PATCH: new Map<string, number>(),
  };
  private latencyCount = 0;
  private latencySumUs = 0;
  private latencyMaxUs = 0;

  constructor(private readonly startupTimeUs: number) {}

  record(method: string, path: string, status: number, ms: number): void {
    this.requests++;
    if (status >= 400) this.faults++;
    const counts = this.byMethod[method as keyof typeof this.byMethod];
    if (counts) {
      const key = endpointKey(path);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const us = Math.round(ms * 1000);
    this.latencyCount++;
    this.latencySumUs += us;
    this.latencyMaxUs = Math.max(this.latencyMaxUs, us);
  }

  /** The counters since the previous flush; resets them. */
  flush(): ApiMetricsSnapshot {
    const snapshot: ApiMetricsSnapshot = {
      api_server: {
        requests: this.requests,
        fault_responses: this.faults,
        process_startup_time_us: this.startupTimeUs,
      },
      get_api_requests: Object.fromEntries(this.byMethod.GET),
      put_api_requests: Object.fromEntries(this.byMethod.PUT),
      patch_api_requests: Object.fromEntries(this.byMethod.PATCH),
      latencies_us: {
        api_request_count: this.latencyCount,
        api_request_avg: this.latencyCount ? Math.round(this.latencySumUs / this.latencyCount) : 0,
        api_request_max: this.latencyMaxUs,
      },
    };
    this.requests = 0;
    this.faults = 0;
    for (const counts of Object.values(this.byMethod)) counts.clear();
    this.latencyCount = 0;
    this.latencySumUs = 0;
    this.latencyMaxUs = 0;
    return snapshot;
  }
}
