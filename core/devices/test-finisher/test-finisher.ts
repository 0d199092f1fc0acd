/**
 * SiFive's "test" device (QEMU virt's finisher): the guest writes one 32-bit word to end the machine.
 * 0x5555 = pass / power off, 0x7777 = reset, (code << 16) | 0x3333 = fail with `code`. Linux drives it
 * through the syscon-poweroff / syscon-reboot nodes of the device tree; bare-metal tests end with it.
 */
import type { BusDevice } from '../../bus/bus-device';

export type FinisherEvent =
  { kind: 'poweroff' } | { kind: 'reset' } | { kind: 'fail'; code: number };

const PASS = 0x5555;
const RESET = 0x7777;
const FAIL = 0x3333;

export class TestFinisher implements BusDevice {
  constructor(private readonly onFinish: (event: FinisherEvent) => void) {}

  read(_offset: number, data: Uint8Array): void {
    data.fill(0);
  }

  write(offset: number, data: Uint8Array): void {
    if (offset !== 0 || data.length < 4) return;
    const value = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
    const low = value & 0xffff;
    if (low === PASS) this.onFinish({ kind: 'poweroff' });
    else if (low === RESET) this.onFinish({ kind: 'reset' });
    else if (low === FAIL) this.onFinish({ kind: 'fail', code: value >>> 16 });
  }
}
