/**
 * The metrics groups both engines report for their devices, named as Firecracker names them, so
 * the daemon's metrics line has the same shape whichever engine runs the VM.
 */
import type { VirtioMmioTransport } from '../../core/virtio/mmio-transport';

/** Firecracker's group names: `virtio-blk:rootfs` → `block_rootfs`, `virtio-net:eth0` → `net_eth0`,
 *  anything else with non-word characters replaced (`virtio-rng` → `virtio_rng`). */
export function metricsGroupName(deviceName: string): string {
  const match = /^virtio-(blk|net):(.*)$/.exec(deviceName);
  const clean = (text: string) => text.replace(/\W/g, '_');
  if (!match) return clean(deviceName);
  return `${match[1] === 'blk' ? 'block' : 'net'}_${clean(match[2]!)}`;
}

/** One group per virtio device that keeps counters, plus `mmds` when the guest can reach it. */
export function deviceMetricGroups(
  virtio: readonly { name: string; transport: VirtioMmioTransport }[],
  mmds: { metrics(consume: boolean): unknown } | undefined,
): Record<string, unknown> {
  const groups: Record<string, unknown> = {};
  if (mmds) groups['mmds'] = mmds.metrics(true);
  for (const { name, transport } of virtio) {
    const counters = (transport.device as { metrics?: unknown }).metrics;
    if (counters && typeof counters === 'object') groups[metricsGroupName(name)] = { ...counters };
  }
  return groups;
}
