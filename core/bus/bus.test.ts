import { describe, it, expect } from 'vitest';
import { BusError, MmioBus, PioBus } from './bus';
import type { BusDevice } from './bus-device';

class Recorder implements BusDevice {
  readonly log: string[] = [];
  constructor(private readonly tag: number) {}
  read(offset: number, data: Uint8Array): void {
    this.log.push(`r${offset}/${data.length}`);
    data.fill(this.tag);
  }
  write(offset: number, data: Uint8Array): void {
    this.log.push(`w${offset}=${Array.from(data).join(',')}`);
  }
}

describe('Bus', () => {
  it('dispatches to the device owning the address with a relative offset', () => {
    const bus = new MmioBus();
    const a = new Recorder(0xa);
    const b = new Recorder(0xb);
    const c = new Recorder(0xc);
    bus.register(0x1000_1000, 0x1000, b, 'b');
    bus.register(0x1000_0000, 0x100, a, 'a');
    bus.register(0x1000_2000, 0x1000, c, 'c');
    const data = new Uint8Array(4);
    expect(bus.read(0x1000_1004, data)).toBe(true);
    expect(data).toEqual(new Uint8Array([0xb, 0xb, 0xb, 0xb]));
    expect(bus.write(0x1000_00ff, new Uint8Array([7]))).toBe(true);
    expect(bus.read(0x1000_2ffc, data)).toBe(true);
    expect(a.log).toEqual(['w255=7']);
    expect(b.log).toEqual(['r4/4']);
    expect(c.log).toEqual(['r4092/4']);
    expect(bus.list().map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('reports unmapped addresses and accesses running off a range end', () => {
    const bus = new MmioBus();
    const a = new Recorder(1);
    bus.register(0x100, 0x10, a);
    const data = new Uint8Array(4).fill(0xff);
    expect(bus.read(0xff, data)).toBe(false);
    expect(data).toEqual(new Uint8Array(4));
    expect(bus.read(0x110, data)).toBe(false);
    expect(bus.read(0x10e, data)).toBe(false);
    expect(bus.write(0x50, data)).toBe(false);
    expect(a.log).toEqual([]);
  });

  it('rejects overlapping, empty and out-of-space ranges', () => {
    const bus = new PioBus();
    bus.register(0x3f8, 8, new Recorder(0), 'uart');
    expect(() => bus.register(0x3ff, 2, new Recorder(0), 'x')).toThrow(/overlaps uart/);
    expect(() => bus.register(0x3f0, 9, new Recorder(0), 'x')).toThrow(BusError);
    expect(() => bus.register(0x3f0, 0x20, new Recorder(0), 'x')).toThrow(BusError);
    expect(() => bus.register(0x500, 0, new Recorder(0), 'x')).toThrow(/bad range/);
    expect(() => bus.register(0xffff, 2, new Recorder(0), 'x')).toThrow(/limit/);
    bus.register(0x3f0, 8, new Recorder(0), 'adjacent');
    bus.register(0x400, 8, new Recorder(0), 'adjacent2');
    expect(bus.list().length).toBe(3);
  });

  it('finds the right range among many (binary search)', () => {
    const bus = new MmioBus();
    const devices = Array.from({ length: 64 }, (_, i) => new Recorder(i));
    const order = devices.map((_, i) => i).sort((x, y) => ((x * 37) % 64) - ((y * 37) % 64));
    for (const i of order) bus.register(i * 0x1000, 0x800, devices[i] as Recorder, `d${i}`);
    for (let i = 0; i < 64; i++) {
      expect(bus.find(i * 0x1000 + 0x7ff)?.name).toBe(`d${i}`);
      expect(bus.find(i * 0x1000 + 0x800)).toBeUndefined();
    }
  });
});
