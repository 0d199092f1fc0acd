import { describe, it, expect } from 'vitest';
import { decodeExit, describeExitValue } from './exit-decoder';
import type { BusEntry, ExitRecord } from '../../workers/browser/vmm-api';

const bus: BusEntry[] = [
  { name: 'plic', base: 0x0c00_0000, size: 0x60_0000 },
  { name: 'uart', base: 0x1000_0000, size: 0x100, irq: 10 },
  { name: 'virtio-blk:disk', base: 0x1000_1000, size: 0x1000, irq: 1 },
];

function exit(address: number, write: boolean, value = 0n, size = 1): ExitRecord {
  return { atMs: 0, address, size, write, value, device: undefined };
}

describe('decodeExit', () => {
  it('names UART registers by direction', () => {
    expect(decodeExit(exit(0x1000_0000, true), bus).register).toMatch(/^THR/);
    expect(decodeExit(exit(0x1000_0000, false), bus).register).toMatch(/^RBR/);
    expect(decodeExit(exit(0x1000_0002, false), bus).register).toMatch(/^IIR/);
    expect(decodeExit(exit(0x1000_0002, true), bus).register).toMatch(/^FCR/);
    expect(decodeExit(exit(0x1000_0005, false), bus).register).toMatch(/^LSR/);
  });

  it('names virtio-mmio registers and config space', () => {
    const notify = decodeExit(exit(0x1000_1050, true, 0n, 4), bus);
    expect(notify).toEqual({ device: 'virtio-blk:disk', register: 'QueueNotify', offset: 0x50 });
    expect(decodeExit(exit(0x1000_1070, false), bus).register).toBe('Status');
    expect(decodeExit(exit(0x1000_1108, false), bus).register).toBe('Config[+0x8]');
  });

  it('tells PLIC claim from complete and finds the context', () => {
    expect(decodeExit(exit(0x0c20_1004, false), bus).register).toBe('claim[ctx 1]');
    expect(decodeExit(exit(0x0c20_1004, true), bus).register).toBe('complete[ctx 1]');
    expect(decodeExit(exit(0x0c00_0028, true), bus).register).toBe('priority[10]');
    expect(decodeExit(exit(0x0c00_2080, true), bus).register).toBe('enable[ctx 1][0]');
  });

  it('reports unmapped addresses without throwing', () => {
    expect(decodeExit(exit(0x4000_0000, false), bus).device).toBe('(unmapped)');
  });

  it('shows printable UART data as a character', () => {
    const write = exit(0x1000_0000, true, 0x68n);
    expect(describeExitValue(write, decodeExit(write, bus))).toBe("0x68 'h'");
    const status = exit(0x1000_1070, false, 0xfn, 4);
    expect(describeExitValue(status, decodeExit(status, bus))).toBe('0x0000000f');
  });
});
