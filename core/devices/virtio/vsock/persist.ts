import type { TransportState, VirtioMmioTransport } from '../../../virtio/mmio-transport';
import type { VsockDevice } from './device';

/**
 * Snapshot of a virtio-vsock device. Like Firecracker, live connections are not saved: after
 * restore the device sends VIRTIO_VSOCK_EVENT_TRANSPORT_RESET and the guest drops its sockets.
 */
export interface VsockState {
  transport: TransportState;
  guestCid: number;
}

export function saveVsock(device: VsockDevice, transport: VirtioMmioTransport): VsockState {
  return { transport: transport.save(), guestCid: device.guestCid };
}

/** Restore into a fresh device built with the same CID; queues the transport-reset event. */
export function restoreVsock(
  device: VsockDevice,
  transport: VirtioMmioTransport,
  state: VsockState,
): void {
  if (state.guestCid !== device.guestCid) {
    throw new Error(`virtio-vsock: snapshot CID ${state.guestCid} ≠ configured ${device.guestCid}`);
  }
  transport.restore(state.transport);
  if (transport.isActivated) device.signalTransportReset();
}
