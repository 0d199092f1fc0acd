/**
 * A tiny local address-range dispatcher standing in for core's MmioBus/PioBus until they land:
 * maps [base, base + size) ranges to BusDevices and implements the engine's DeviceAccess over them.
 *
 * Policy (x86 conventions): a port nobody claims reads as all-ones and ignores writes (Linux probes
 * ports freely); an MMIO access nobody claims is reported as unhandled so the VMM stops the VM.
 */
import type { BusDevice } from '../../core/bus/bus-device';
import type { DeviceAccess } from '../engine/engine';

interface Range {
  readonly base: number;
  readonly size: number;
  readonly device: BusDevice;
}

export class RangeDispatcher {
  private readonly ranges: Range[] = [];

  register(base: number, size: number, device: BusDevice): void {
    if (size <= 0) throw new RangeError('device range must not be empty');
    const clash = this.ranges.find((r) => base < r.base + r.size && r.base < base + size);
    if (clash) {
      throw new RangeError(
        `range 0x${base.toString(16)}+0x${size.toString(16)} overlaps 0x${clash.base.toString(16)}`,
      );
    }
    this.ranges.push({ base, size, device });
  }

  /** The device whose range holds the whole access, or undefined. */
  find(address: number, length: number): { device: BusDevice; offset: number } | undefined {
    for (const range of this.ranges) {
      if (address >= range.base && address + length <= range.base + range.size) {
        return { device: range.device, offset: address - range.base };
      }
    }
    return undefined;
  }
}

export class DeviceDispatch implements DeviceAccess {
  readonly pio = new RangeDispatcher();
  readonly mmio = new RangeDispatcher();

  pioRead(port: number, data: Uint8Array): boolean {
    const hit = this.pio.find(port, data.length);
    if (hit) hit.device.read(hit.offset, data);
    else data.fill(0xff);
    return true;
  }

  pioWrite(port: number, data: Uint8Array): boolean {
    const hit = this.pio.find(port, data.length);
    if (hit) hit.device.write(hit.offset, data);
    return true;
  }

  mmioRead(address: number, data: Uint8Array): boolean {
    const hit = this.mmio.find(address, data.length);
    if (!hit) return false;
    hit.device.read(hit.offset, data);
    return true;
  }

  mmioWrite(address: number, data: Uint8Array): boolean {
    const hit = this.mmio.find(address, data.length);
    if (!hit) return false;
    hit.device.write(hit.offset, data);
    return true;
  }
}
