import { describe, expect, it } from 'vitest';
import { ApiMetrics, endpointKey } from './api-metrics';

describe('ApiMetrics', () => {
  it('counts requests per method and endpoint, faults and latencies, and resets at each flush', () => {
    const metrics = new ApiMetrics(1234);
    metrics.record('GET', '/', 200, 0.5);
    metrics.record('PUT', '/drives/root', 204, 2);
    metrics.record('PUT', '/drives/data', 400, 1.5);
    metrics.record('PATCH', '/vm', 204, 1);
    const first = metrics.flush();
    expect(first.api_server).toEqual({
      requests: 4,
      fault_responses: 1,
      process_startup_time_us: 1234,
    });
    expect(first.get_api_requests).toEqual({ instance_info_count: 1 });
    expect(first.put_api_requests).toEqual({ drives_count: 2 });
    expect(first.patch_api_requests).toEqual({ vm_count: 1 });
    expect(first.latencies_us).toEqual({
      api_request_count: 4,
      api_request_avg: 1250,
      api_request_max: 2000,
    });
    const second = metrics.flush();
    expect(second.api_server.requests).toBe(0);
    expect(second.put_api_requests).toEqual({});
    expect(second.latencies_us.api_request_max).toBe(0);
  });

  it('names endpoints by their first path segment', () => {
    expect(endpointKey('/machine-config')).toBe('machine-config_count');
    expect(endpointKey('/snapshot/create?x=1')).toBe('snapshot_count');
    expect(endpointKey('/')).toBe('instance_info_count');
  });
});
