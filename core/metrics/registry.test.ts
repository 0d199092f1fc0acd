import { describe, it, expect } from 'vitest';
import { IncMetric, StoreMetric } from './metric';
import { MetricsRegistry, incMetrics } from './registry';

describe('metrics', () => {
  it('IncMetric reports deltas per flush and keeps the running total', () => {
    const m = new IncMetric();
    m.inc();
    m.inc(4);
    expect(m.pending()).toBe(5);
    expect(m.flush()).toBe(5);
    expect(m.flush()).toBe(0);
    m.inc(2);
    expect(m.flush()).toBe(2);
    expect(m.count()).toBe(7);
  });

  it('a registry flush emits utc_timestamp_ms and every group, resetting only inc metrics', () => {
    const registry = new MetricsRegistry();
    const uart = incMetrics('read_count', 'write_count');
    const vmm = { device_events: new IncMetric(), mem_mib: new StoreMetric() };
    const latencies = { pause_vm: new StoreMetric(), nested: { x: new IncMetric() } };
    registry.register('uart', uart);
    registry.register('vmm', vmm);
    registry.register('latencies_us', latencies);
    uart.write_count.inc(3);
    vmm.mem_mib.set(128);
    latencies.nested.x.inc();
    expect(registry.peek(5)).toEqual({
      utc_timestamp_ms: 5,
      uart: { read_count: 0, write_count: 3 },
      vmm: { device_events: 0, mem_mib: 128 },
      latencies_us: { pause_vm: 0, nested: { x: 1 } },
    });
    const line = JSON.parse(registry.flushJsonLine(10)) as Record<string, unknown>;
    expect(line).toMatchObject({ utc_timestamp_ms: 10, uart: { write_count: 3 } });
    expect(registry.flush(20)).toEqual({
      utc_timestamp_ms: 20,
      uart: { read_count: 0, write_count: 0 },
      vmm: { device_events: 0, mem_mib: 128 },
      latencies_us: { pause_vm: 0, nested: { x: 0 } },
    });
  });

  it('refuses a clashing or reserved group name, allows re-registering the same group', () => {
    const registry = new MetricsRegistry();
    const group = incMetrics('a');
    registry.register('block_rootfs', group);
    registry.register('block_rootfs', group);
    expect(() => registry.register('block_rootfs', incMetrics('a'))).toThrow(/already registered/);
    expect(() => registry.register('utc_timestamp_ms', group)).toThrow(/reserved/);
    registry.unregister('block_rootfs');
    expect(registry.names()).toEqual([]);
  });
});
