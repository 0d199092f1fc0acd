import type { TransportState, VirtioMmioTransport } from '../../../virtio/mmio-transport';

/** virtio-rng has no state beyond its transport. */
export interface RngState {
  transport: TransportState;
}

export function saveRng(transport: VirtioMmioTransport): RngState {
  return { transport: transport.save() };
}

export function restoreRng(transport: VirtioMmioTransport, state: RngState): void {
  transport.restore(state.transport);
}
