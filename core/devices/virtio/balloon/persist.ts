import type { TransportState, VirtioMmioTransport } from '../../../virtio/mmio-transport';
import type { BalloonDevice } from './device';
import type { BalloonStats } from './stats';

/** Snapshot of a virtio-balloon device (JSON-friendly). */
export interface BalloonState {
  transport: TransportState;
  targetPages: number;
  actualPages: number;
  /** Ballooned page frame numbers, sorted. */
  ballooned: number[];
  /** Stats buffer the device holds (-1: none). */
  statsHead: number;
  stats: BalloonStats;
}

export function saveBalloon(device: BalloonDevice, transport: VirtioMmioTransport): BalloonState {
  return {
    transport: transport.save(),
    targetPages: device.targetPages,
    actualPages: device.actualPages,
    ballooned: device.balloonedPfns(),
    statsHead: device.statsHead,
    stats: { ...device.latestStats },
  };
}

/** Restore into a fresh device built with the same options. */
export function restoreBalloon(
  device: BalloonDevice,
  transport: VirtioMmioTransport,
  state: BalloonState,
): void {
  device.restoreState(
    state.targetPages,
    state.actualPages,
    state.ballooned,
    state.statsHead,
    state.stats,
  );
  transport.restore(state.transport);
}
