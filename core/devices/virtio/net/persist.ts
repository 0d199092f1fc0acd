import type { TransportState, VirtioMmioTransport } from '../../../virtio/mmio-transport';
import type { NetDevice } from './device';

/**
 * Snapshot of a virtio-net device. Frames waiting for rx buffers are not saved: like a real
 * NIC losing frames in flight, the guest's protocols retransmit.
 */
export interface NetState {
  transport: TransportState;
  mac: number[];
  linkUp: boolean;
}

export function saveNet(device: NetDevice, transport: VirtioMmioTransport): NetState {
  return { transport: transport.save(), mac: Array.from(device.mac), linkUp: device.linkUp };
}

/** Restore into a fresh device built with the same MAC. */
export function restoreNet(
  device: NetDevice,
  transport: VirtioMmioTransport,
  state: NetState,
): void {
  if (state.mac.join() !== Array.from(device.mac).join()) {
    throw new Error('virtio-net: snapshot MAC differs from the configured one');
  }
  device.setLinkUp(state.linkUp);
  transport.restore(state.transport);
}
