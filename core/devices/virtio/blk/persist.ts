import type { TransportState, VirtioMmioTransport } from '../../../virtio/mmio-transport';
import type { BlockDevice } from './device';

/** Snapshot of a virtio-blk device and its transport (JSON-friendly). */
export interface BlockState {
  transport: TransportState;
  capacitySectors: number;
  readOnly: boolean;
  /** GET_ID serial bytes. */
  id: number[];
}

/** Save an idle device (no request in flight; callers pause the VM first). */
export function saveBlock(device: BlockDevice, transport: VirtioMmioTransport): BlockState {
  if (!device.idle) throw new Error('virtio-blk: cannot snapshot with a request in flight');
  return {
    transport: transport.save(),
    capacitySectors: device.capacitySectors,
    readOnly: device.backend.readOnly,
    id: Array.from(device.id),
  };
}

/**
 * Restore into a freshly built device/transport pair. The backend must be the same disk (same
 * size and writability); the caller opens it, we check it matches.
 */
export function restoreBlock(
  device: BlockDevice,
  transport: VirtioMmioTransport,
  state: BlockState,
): void {
  if (
    state.capacitySectors !== device.capacitySectors ||
    state.readOnly !== device.backend.readOnly
  ) {
    throw new Error(
      `virtio-blk: snapshot disk is ${state.capacitySectors} sectors${state.readOnly ? ' (ro)' : ''}, backend has ${device.capacitySectors}`,
    );
  }
  if (state.id.join() !== Array.from(device.id).join()) {
    throw new Error('virtio-blk: snapshot drive id differs from the configured one');
  }
  transport.restore(state.transport);
}
