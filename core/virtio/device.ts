import type { GuestMemory } from '../memory/guest-memory';
import type { Virtqueue } from './queue';

/** Counters every virtio device keeps (Firecracker names); the transport updates them. */
export interface VirtioCommonMetrics {
  activate_fails: number;
  cfg_fails: number;
  event_fails: number;
  queue_event_count: number;
}

export function commonMetrics(): VirtioCommonMetrics {
  return { activate_fails: 0, cfg_fails: 0, event_fails: 0, queue_event_count: 0 };
}

/** What the transport hands a device when the driver sets DRIVER_OK (or a snapshot restores it). */
export interface VirtioDeviceContext {
  readonly memory: GuestMemory;
  readonly queues: readonly Virtqueue[];
  /** Feature bits the driver accepted. */
  readonly ackedFeatures: bigint;
  /** Used entries were added to `queueIndex`: interrupt the driver if the ring asks for it. */
  signalUsed(queueIndex: number): void;
  /** The device changed its config space (bumps ConfigGeneration, raises the config interrupt). */
  signalConfigChange(): void;
  /** Something the guest did makes the device unusable until reset: DEVICE_NEEDS_RESET. */
  fail(reason: string): void;
}

/**
 * A virtio device model, independent of the transport. It never throws for guest input: errors in
 * `processQueue` are either turned into request status codes or reported through `context.fail`
 * (the transport also catches anything that slips through and treats it as `fail`).
 */
export interface VirtioDevice {
  /** Virtio device id (DeviceType). */
  readonly deviceType: number;
  /** Maximum size of each queue; the length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  /** Device-specific feature bits (the transport adds VERSION_1, INDIRECT_DESC, EVENT_IDX). */
  readonly deviceFeatures: bigint;
  readonly commonMetrics: VirtioCommonMetrics;
  /** Read/write the device config space; offsets are relative to 0x100. */
  readConfig(offset: number, data: Uint8Array): void;
  writeConfig(offset: number, data: Uint8Array): void;
  /** Start operating on the queues. May throw to refuse (counted as activate_fails). */
  activate(context: VirtioDeviceContext): void;
  /** The driver notified queue `index`. */
  processQueue(index: number): void;
  /** Drop all runtime state tied to the driver (queues are reset by the transport). */
  reset(): void;
}

/** Copy `value` (little-endian, `size` bytes of config space) into an access at `offset`. */
export function readConfigBytes(config: Uint8Array, offset: number, data: Uint8Array): boolean {
  if (!Number.isInteger(offset) || offset < 0 || offset + data.length > config.length) {
    data.fill(0);
    return false;
  }
  data.set(config.subarray(offset, offset + data.length));
  return true;
}
