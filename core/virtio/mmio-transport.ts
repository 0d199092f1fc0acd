import type { BusDevice } from '../bus/bus-device';
import type { InterruptLine } from '../irq/interrupt-line';
import { addressFromHalves } from '../memory/guest-address';
import type { GuestMemory } from '../memory/guest-memory';
import {
  Feature,
  featureBit,
  Interrupt,
  MMIO_MAGIC,
  MMIO_VENDOR_ID,
  MMIO_VERSION,
  MmioReg,
  Status,
} from './constants';
import type { VirtioDevice, VirtioDeviceContext } from './device';
import { type QueueState, Virtqueue } from './queue';

/** Features every device gets from the transport and queue implementation. */
export const TRANSPORT_FEATURES =
  featureBit(Feature.VERSION_1) |
  featureBit(Feature.RING_INDIRECT_DESC) |
  featureBit(Feature.RING_EVENT_IDX);

/** JSON-friendly transport state; 64-bit feature sets are hex strings. */
export interface TransportState {
  status: number;
  deviceFeaturesSel: number;
  driverFeaturesSel: number;
  ackedFeatures: string;
  queueSel: number;
  interruptStatus: number;
  configGeneration: number;
  activated: boolean;
  queues: QueueState[];
}

/** Status bits in the order a driver must set them, with the bits each one requires. */
const STATUS_STEPS: ReadonlyArray<[bit: number, requires: number]> = [
  [Status.ACKNOWLEDGE, 0],
  [Status.DRIVER, Status.ACKNOWLEDGE],
  [Status.FEATURES_OK, Status.DRIVER],
  [Status.DRIVER_OK, Status.FEATURES_OK],
];

/**
 * virtio-mmio version 2 (virtio 1.x, 4.2.2), written once for every device. Register accesses
 * other than 32-bit ones are ignored (reads give zeros); the config space takes any width.
 * Nothing a guest writes makes it throw: device errors become DEVICE_NEEDS_RESET.
 */
export class VirtioMmioTransport implements BusDevice {
  readonly queues: Virtqueue[];
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private ackedFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  private activated = false;
  /** Why the device last entered DEVICE_NEEDS_RESET (for logs and tests). */
  failureReason: string | undefined;
  /** 32-bit halves of each queue's three ring addresses, as the driver wrote them. */
  private readonly halves: Uint32Array[];
  private readonly context: VirtioDeviceContext;

  constructor(
    readonly device: VirtioDevice,
    private readonly memory: GuestMemory,
    private readonly interrupt: InterruptLine,
  ) {
    this.queues = device.queueMaxSizes.map((max) => new Virtqueue(max));
    this.halves = this.queues.map(() => new Uint32Array(6));
    const acked = (): bigint => this.ackedFeatures;
    this.context = {
      memory,
      queues: this.queues,
      get ackedFeatures() {
        return acked();
      },
      signalUsed: (index) => this.signalUsed(index),
      signalConfigChange: () => this.signalConfigChange(),
      fail: (reason) => this.fail(reason),
    };
  }

  get offeredFeatures(): bigint {
    return this.device.deviceFeatures | TRANSPORT_FEATURES;
  }

  get deviceStatus(): number {
    return this.status;
  }

  get isActivated(): boolean {
    return this.activated;
  }

  read(offset: number, data: Uint8Array): void {
    try {
      if (offset >= MmioReg.CONFIG) {
        this.device.readConfig(offset - MmioReg.CONFIG, data);
        return;
      }
      data.fill(0);
      if (data.length !== 4 || offset % 4 !== 0) return;
      new DataView(data.buffer, data.byteOffset, 4).setUint32(0, this.readRegister(offset), true);
    } catch (e) {
      data.fill(0);
      this.fail(`config read: ${String(e)}`);
    }
  }

  write(offset: number, data: Uint8Array): void {
    try {
      if (offset >= MmioReg.CONFIG) {
        this.device.writeConfig(offset - MmioReg.CONFIG, data);
        return;
      }
      if (data.length !== 4 || offset % 4 !== 0) return;
      this.writeRegister(offset, new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true));
    } catch (e) {
      this.fail(`register write 0x${offset.toString(16)}: ${String(e)}`);
    }
  }

  private selectedQueue(): Virtqueue | undefined {
    return this.queues[this.queueSel];
  }

  private readRegister(offset: number): number {
    const q = this.selectedQueue();
    switch (offset) {
      case MmioReg.MAGIC:
        return MMIO_MAGIC;
      case MmioReg.VERSION:
        return MMIO_VERSION;
      case MmioReg.DEVICE_ID:
        return this.device.deviceType;
      case MmioReg.VENDOR_ID:
        return MMIO_VENDOR_ID;
      case MmioReg.DEVICE_FEATURES:
        return featureWord(this.offeredFeatures, this.deviceFeaturesSel);
      case MmioReg.QUEUE_NUM_MAX:
        return q?.maxSize ?? 0;
      case MmioReg.QUEUE_READY:
        return q?.ready ? 1 : 0;
      case MmioReg.INTERRUPT_STATUS:
        return this.interruptStatus;
      case MmioReg.STATUS:
        return this.status;
      case MmioReg.CONFIG_GENERATION:
        return this.configGeneration;
      default:
        return 0;
    }
  }

  private writeRegister(offset: number, value: number): void {
    switch (offset) {
      case MmioReg.DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = value;
        return;
      case MmioReg.DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = value;
        return;
      case MmioReg.DRIVER_FEATURES:
        this.writeDriverFeatures(value);
        return;
      case MmioReg.QUEUE_SEL:
        this.queueSel = value;
        return;
      case MmioReg.QUEUE_NOTIFY:
        this.notify(value & 0xffff);
        return;
      case MmioReg.INTERRUPT_ACK:
        this.interruptStatus &= ~value;
        this.interrupt.setLevel(this.interruptStatus !== 0);
        return;
      case MmioReg.STATUS:
        this.writeStatus(value);
        return;
      default:
        this.writeQueueRegister(offset, value);
    }
  }

  private writeDriverFeatures(value: number): void {
    const settable =
      (this.status & Status.DRIVER) !== 0 && (this.status & Status.FEATURES_OK) === 0;
    if (!settable || this.driverFeaturesSel > 1) return;
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.ackedFeatures =
      (this.ackedFeatures & ~(0xffff_ffffn << shift)) | (BigInt(value >>> 0) << shift);
  }

  /** Queue registers are writable only between FEATURES_OK and DRIVER_OK. */
  private writeQueueRegister(offset: number, value: number): void {
    const q = this.selectedQueue();
    const halves = this.halves[this.queueSel];
    const configurable =
      (this.status & (Status.FEATURES_OK | Status.DRIVER_OK | Status.FAILED)) ===
      Status.FEATURES_OK;
    if (!q || !halves || !configurable) return;
    const setHalf = (slot: number, set: (addr: number) => boolean): void => {
      if (q.ready) return;
      halves[slot] = value;
      // Halves beyond 2^53 cannot be guest addresses: store an invalid one so QueueReady fails.
      set(addressFromHalves(halves[slot & ~1] ?? 0, halves[slot | 1] ?? 0) ?? -1);
    };
    switch (offset) {
      case MmioReg.QUEUE_NUM:
        q.setSize(value);
        return;
      case MmioReg.QUEUE_READY:
        q.setReady(value === 1, this.memory);
        return;
      case MmioReg.QUEUE_DESC_LOW:
        return setHalf(0, (a) => q.setDescTable(a));
      case MmioReg.QUEUE_DESC_HIGH:
        return setHalf(1, (a) => q.setDescTable(a));
      case MmioReg.QUEUE_DRIVER_LOW:
        return setHalf(2, (a) => q.setAvailRing(a));
      case MmioReg.QUEUE_DRIVER_HIGH:
        return setHalf(3, (a) => q.setAvailRing(a));
      case MmioReg.QUEUE_DEVICE_LOW:
        return setHalf(4, (a) => q.setUsedRing(a));
      case MmioReg.QUEUE_DEVICE_HIGH:
        return setHalf(5, (a) => q.setUsedRing(a));
    }
  }

  private writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    if (value & Status.FAILED) {
      this.status |= Status.FAILED;
      return;
    }
    // Bits can only be added, in order, each after the one it depends on.
    if (
      (value & this.status & ~Status.DEVICE_NEEDS_RESET) !==
      (this.status & ~Status.DEVICE_NEEDS_RESET)
    )
      return;
    for (const [bit, requires] of STATUS_STEPS) {
      if (!(value & bit) || this.status & bit) continue;
      if ((this.status & requires) !== requires) return;
      if (bit === Status.FEATURES_OK && !this.featuresAcceptable()) return;
      if (bit === Status.DRIVER_OK && !this.activate()) return;
      this.status |= bit;
    }
  }

  private featuresAcceptable(): boolean {
    const unknown = this.ackedFeatures & ~this.offeredFeatures;
    return unknown === 0n && (this.ackedFeatures & featureBit(Feature.VERSION_1)) !== 0n;
  }

  private activate(): boolean {
    const eventIdx = (this.ackedFeatures & featureBit(Feature.RING_EVENT_IDX)) !== 0n;
    const indirect = (this.ackedFeatures & featureBit(Feature.RING_INDIRECT_DESC)) !== 0n;
    for (const q of this.queues) {
      q.eventIdx = eventIdx;
      q.indirect = indirect;
    }
    try {
      this.device.activate(this.context);
      this.activated = true;
      return true;
    } catch (e) {
      this.device.commonMetrics.activate_fails++;
      this.fail(`activate: ${String(e)}`);
      return false;
    }
  }

  private notify(index: number): void {
    const q = this.queues[index];
    const running =
      (this.status & (Status.DRIVER_OK | Status.DEVICE_NEEDS_RESET)) === Status.DRIVER_OK;
    if (!q || !q.ready || !this.activated || !running) return;
    this.device.commonMetrics.queue_event_count++;
    try {
      this.device.processQueue(index);
    } catch (e) {
      this.fail(`queue ${index}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private signalUsed(index: number): void {
    const q = this.queues[index];
    if (!q) return;
    try {
      if (!q.needsNotification(this.memory)) return;
    } catch {
      // Rings were validated at QueueReady; if memory vanished, interrupt anyway.
    }
    this.raise(Interrupt.USED_BUFFER);
  }

  private signalConfigChange(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.status & Status.DRIVER_OK) this.raise(Interrupt.CONFIG_CHANGE);
  }

  private raise(bit: number): void {
    this.interruptStatus |= bit;
    this.interrupt.setLevel(true);
  }

  /** Enter DEVICE_NEEDS_RESET: the driver learns through a config-change interrupt. */
  fail(reason: string): void {
    this.device.commonMetrics.event_fails++;
    this.failureReason = reason;
    if (this.status & Status.DEVICE_NEEDS_RESET) return;
    this.status |= Status.DEVICE_NEEDS_RESET;
    if (this.status & Status.DRIVER_OK) this.raise(Interrupt.CONFIG_CHANGE);
  }

  /** Device reset (status 0 written): everything back to power-on values. */
  reset(): void {
    try {
      this.device.reset();
    } catch (e) {
      this.failureReason = `reset: ${String(e)}`;
    }
    for (const q of this.queues) q.reset();
    for (const h of this.halves) h.fill(0);
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.ackedFeatures = 0n;
    this.activated = false;
    this.interruptStatus = 0;
    this.interrupt.setLevel(false);
  }

  save(): TransportState {
    return {
      status: this.status,
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      ackedFeatures: this.ackedFeatures.toString(16),
      queueSel: this.queueSel,
      interruptStatus: this.interruptStatus,
      configGeneration: this.configGeneration,
      activated: this.activated,
      queues: this.queues.map((q) => q.save()),
    };
  }

  /**
   * Restore on a freshly built transport whose device already restored its own state. An
   * activated device is re-activated with the restored queues (it must keep its state).
   */
  restore(state: TransportState): void {
    if (state.queues.length !== this.queues.length) {
      throw new RangeError(
        `snapshot has ${state.queues.length} queues, device has ${this.queues.length}`,
      );
    }
    this.status = state.status;
    this.deviceFeaturesSel = state.deviceFeaturesSel;
    this.driverFeaturesSel = state.driverFeaturesSel;
    this.ackedFeatures = BigInt(`0x${state.ackedFeatures}`);
    this.queueSel = state.queueSel;
    this.interruptStatus = state.interruptStatus;
    this.configGeneration = state.configGeneration;
    state.queues.forEach((qs, i) => {
      this.queues[i]?.restore(qs);
      const h = this.halves[i];
      if (h) {
        [qs.descTable, qs.availRing, qs.usedRing].forEach((addr, k) => {
          h[2 * k] = addr >>> 0;
          h[2 * k + 1] = Math.floor(Math.max(addr, 0) / 0x1_0000_0000) >>> 0;
        });
      }
    });
    this.activated = false;
    if (state.activated) {
      this.device.activate(this.context);
      this.activated = true;
    }
    this.interrupt.setLevel(this.interruptStatus !== 0);
  }
}

function featureWord(features: bigint, sel: number): number {
  if (sel > 1) return 0;
  return Number((features >> BigInt(32 * sel)) & 0xffff_ffffn);
}
