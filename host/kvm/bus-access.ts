/**
 * The engine's DeviceAccess over core's PioBus and MmioBus, with the x86 policy for what nobody
 * claims: a port reads as all-ones and ignores writes (Linux probes ports freely: COM2-4, the RTC,
 * PCI config), while an MMIO access with no device behind it is reported so the VMM stops the VM.
 */
import { MmioBus, PioBus } from '../../core/bus/bus';
import type { DeviceAccess } from '../engine/engine';

export class BusAccess implements DeviceAccess {
  readonly pio = new PioBus();
  readonly mmio = new MmioBus();
  /** Port accesses nobody claimed (reads filled with 0xff). */
  unclaimedPorts = 0;

  pioRead(port: number, data: Uint8Array): boolean {
    if (!this.pio.read(port, data)) {
      data.fill(0xff);
      this.unclaimedPorts++;
    }
    return true;
  }

  pioWrite(port: number, data: Uint8Array): boolean {
    if (!this.pio.write(port, data)) this.unclaimedPorts++;
    return true;
  }

  mmioRead(address: number, data: Uint8Array): boolean {
    return this.mmio.read(address, data);
  }

  mmioWrite(address: number, data: Uint8Array): boolean {
    return this.mmio.write(address, data);
  }
}
