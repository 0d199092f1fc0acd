import { describe, expect, it } from 'vitest';
import type { BusDevice } from '../../core/bus/bus-device';
import { BusAccess } from './bus-access';
import { X86Devices } from './x86-devices';

class Echo implements BusDevice {
  last = -1;
  read(offset: number, data: Uint8Array): void {
    data.fill(offset);
  }
  write(_offset: number, data: Uint8Array): void {
    this.last = data[0] ?? -1;
  }
}

describe('BusAccess (x86 policy over core buses)', () => {
  it('reads unclaimed ports as 0xff and counts them; unclaimed MMIO is reported', () => {
    const access = new BusAccess();
    const device = new Echo();
    access.pio.register(0x80, 4, device);
    access.mmio.register(0xd000_0000, 0x1000, device);
    const data = new Uint8Array(2);
    expect(access.pioRead(0x2f8, data)).toBe(true);
    expect(Array.from(data)).toEqual([0xff, 0xff]);
    expect(access.pioWrite(0x2f8, data)).toBe(true);
    expect(access.unclaimedPorts).toBe(2);
    expect(access.pioRead(0x82, data)).toBe(true);
    expect(Array.from(data)).toEqual([2, 2]);
    expect(access.mmioWrite(0xd000_0010, Uint8Array.of(9))).toBe(true);
    expect(device.last).toBe(9);
    expect(access.mmioRead(0xe000_0000, new Uint8Array(4))).toBe(false);
    expect(access.mmioWrite(0xd000_0ffe, new Uint8Array(4))).toBe(false);
  });
});

describe('X86Devices', () => {
  it('puts core 16550 on COM1 (IRQ 4) and the i8042 reset on port 0x64', () => {
    const out: number[] = [];
    const irqs: string[] = [];
    let resets = 0;
    const devices = new X86Devices({
      raiseIrq: (gsi, level) => irqs.push(`${gsi}:${level}`),
      onReset: () => resets++,
      output: (bytes) => out.push(...bytes),
    });
    devices.pioWrite(0x3f8, Uint8Array.of(0x41));
    expect(out).toEqual([0x41]);
    devices.pioWrite(0x3f9, Uint8Array.of(0x02)); // IER: THR empty interrupt
    expect(irqs).toContain('4:true');
    const lsr = new Uint8Array(1);
    devices.pioRead(0x3fd, lsr);
    expect(lsr[0]! & 0x60).toBe(0x60);
    devices.pioWrite(0x64, Uint8Array.of(0xfe));
    expect(resets).toBe(1);
    expect(devices.i8042.sendCtrlAltDel()).toBe(true);
    expect(irqs).toContain('1:true');
  });

  it('keeps devices alive when the irqchip refuses a line', () => {
    const devices = new X86Devices({
      raiseIrq: () => {
        throw new Error('ENXIO');
      },
      onReset: () => {},
      output: () => {},
    });
    expect(() => devices.pioWrite(0x3f9, Uint8Array.of(0x02))).not.toThrow();
  });
});
