import { describe, expect, it } from 'vitest';
import type { BusDevice } from '../../core/bus/bus-device';
import { DeviceDispatch, RangeDispatcher } from './io-dispatch';

class Recorder implements BusDevice {
  readonly accesses: string[] = [];
  read(offset: number, data: Uint8Array): void {
    this.accesses.push(`r${offset}/${data.length}`);
    data.fill(0xab);
  }
  write(offset: number, data: Uint8Array): void {
    this.accesses.push(`w${offset}=${Array.from(data).join(',')}`);
  }
}

describe('RangeDispatcher', () => {
  it('rejects overlapping and empty ranges', () => {
    const dispatcher = new RangeDispatcher();
    dispatcher.register(0x1000, 0x100, new Recorder());
    expect(() => dispatcher.register(0x10ff, 0x10, new Recorder())).toThrow(/overlaps/);
    expect(() => dispatcher.register(0x2000, 0, new Recorder())).toThrow(RangeError);
    expect(() => dispatcher.register(0x1100, 0x10, new Recorder())).not.toThrow();
  });

  it('finds a device only when the whole access is inside its range', () => {
    const dispatcher = new RangeDispatcher();
    const device = new Recorder();
    dispatcher.register(0x1000, 0x10, device);
    expect(dispatcher.find(0x100c, 4)).toEqual({ device, offset: 0xc });
    expect(dispatcher.find(0x100e, 4)).toBeUndefined();
    expect(dispatcher.find(0xfff, 1)).toBeUndefined();
  });
});

describe('DeviceDispatch', () => {
  it('routes port and MMIO accesses with offsets relative to the device base', () => {
    const dispatch = new DeviceDispatch();
    const uart = new Recorder();
    const regs = new Recorder();
    dispatch.pio.register(0x3f8, 8, uart);
    dispatch.mmio.register(0xd000_0000, 0x1000, regs);
    expect(dispatch.pioWrite(0x3f8, Uint8Array.of(0x41))).toBe(true);
    const data = new Uint8Array(4);
    expect(dispatch.mmioRead(0xd000_0010, data)).toBe(true);
    expect(Array.from(data)).toEqual([0xab, 0xab, 0xab, 0xab]);
    expect(uart.accesses).toEqual(['w0=65']);
    expect(regs.accesses).toEqual(['r16/4']);
  });

  it('reads unclaimed ports as all-ones, ignores writes to them, and reports unclaimed MMIO', () => {
    const dispatch = new DeviceDispatch();
    const data = new Uint8Array(2);
    expect(dispatch.pioRead(0x80, data)).toBe(true);
    expect(Array.from(data)).toEqual([0xff, 0xff]);
    expect(dispatch.pioWrite(0x80, data)).toBe(true);
    expect(dispatch.mmioRead(0xe000_0000, new Uint8Array(4))).toBe(false);
    expect(dispatch.mmioWrite(0xe000_0000, new Uint8Array(4))).toBe(false);
  });
});
