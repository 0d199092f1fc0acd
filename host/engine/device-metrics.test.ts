import { describe, expect, it } from 'vitest';
import { deviceMetricGroups, metricsGroupName } from './device-metrics';
import type { VirtioMmioTransport } from '../../core/virtio/mmio-transport';

const transport = (metrics?: object) => ({ device: { metrics } }) as unknown as VirtioMmioTransport;

describe('device metrics groups', () => {
  it('names groups as Firecracker does', () => {
    expect(metricsGroupName('virtio-blk:rootfs')).toBe('block_rootfs');
    expect(metricsGroupName('virtio-blk:data-1')).toBe('block_data_1');
    expect(metricsGroupName('virtio-net:eth0')).toBe('net_eth0');
    expect(metricsGroupName('virtio-rng')).toBe('virtio_rng');
  });

  it('copies the counters of devices that keep them, and consumes the MMDS counters', () => {
    const consumed: boolean[] = [];
    const blk = { read_count: 3 };
    const groups = deviceMetricGroups(
      [
        { name: 'virtio-blk:rootfs', transport: transport(blk) },
        { name: 'virtio-rng', transport: transport() },
      ],
      { metrics: (consume) => (consumed.push(consume), { rx_accepted: 1 }) },
    );
    expect(groups).toEqual({ block_rootfs: { read_count: 3 }, mmds: { rx_accepted: 1 } });
    expect(groups['block_rootfs']).not.toBe(blk);
    expect(consumed).toEqual([true]);
    expect(deviceMetricGroups([], undefined)).toEqual({});
  });
});
