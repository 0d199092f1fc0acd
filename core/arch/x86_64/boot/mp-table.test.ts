import { describe, expect, it } from 'vitest';
import { X86_LAYOUT } from '../memory-map';
import {
  buildMpTable,
  MP_INT_TYPE,
  MP_IRQ_FLAGS,
  MpTableError,
  parseMpTable,
  ioapicIdFor,
} from './mp-table';

const byteSum = (bytes: Uint8Array): number => bytes.reduce((sum, b) => (sum + b) & 0xff, 0);

describe('MP table', () => {
  it('has a floating pointer and a configuration table whose bytes each sum to zero', () => {
    const { address, bytes } = buildMpTable({ cpus: 2 });
    expect(address).toBe(X86_LAYOUT.mpTable);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('_MP_');
    expect(byteSum(bytes.subarray(0, 16))).toBe(0);
    const view = new DataView(bytes.buffer);
    const tableAddress = view.getUint32(4, true);
    expect(tableAddress).toBe(address + 16);
    const length = view.getUint16(16 + 4, true);
    expect(16 + length).toBe(bytes.length);
    expect(String.fromCharCode(...bytes.subarray(16, 20))).toBe('PCMP');
    expect(byteSum(bytes.subarray(16))).toBe(0);
    // Fits in the KiB Linux scans below 640 KiB.
    expect(address + bytes.length).toBeLessThanOrEqual(0xa0000);
  });

  it('parses back: one processor per vCPU (LAPIC id = vCPU id, CPU 0 bootstraps), ISA, IOAPIC, 24 pins, LINT0/1', () => {
    const cpus = 4;
    const table = buildMpTable({ cpus, levelTriggeredPins: [5, 6] });
    const parsed = parseMpTable(table.bytes, table.address);
    expect(parsed.lapicAddress).toBe(X86_LAYOUT.lapic);
    expect(parsed.processors).toEqual([
      { lapicId: 0, bootstrap: true },
      { lapicId: 1, bootstrap: false },
      { lapicId: 2, bootstrap: false },
      { lapicId: 3, bootstrap: false },
    ]);
    expect(parsed.buses).toEqual(['ISA']);
    expect(parsed.ioapics).toEqual([{ id: ioapicIdFor(cpus), address: X86_LAYOUT.ioapic }]);
    expect(parsed.ioInterrupts).toHaveLength(24);
    parsed.ioInterrupts.forEach((entry, pin) => {
      expect(entry.pin).toBe(pin);
      expect(entry.sourceIrq).toBe(pin);
      expect(entry.type).toBe(MP_INT_TYPE.int);
      expect(entry.flags).toBe(
        pin === 5 || pin === 6 ? MP_IRQ_FLAGS.levelActiveHigh : MP_IRQ_FLAGS.conforming,
      );
    });
    expect(parsed.localInterrupts).toEqual([
      { type: MP_INT_TYPE.extint, lint: 0 },
      { type: MP_INT_TYPE.nmi, lint: 1 },
    ]);
  });

  it('still fits below 640 KiB with 32 vCPUs and refuses impossible CPU counts', () => {
    const { address, bytes } = buildMpTable({ cpus: 32 });
    expect(address + bytes.length).toBeLessThanOrEqual(0xa0000);
    expect(parseMpTable(bytes, address).processors).toHaveLength(32);
    expect(() => buildMpTable({ cpus: 0 })).toThrow(RangeError);
    expect(() => buildMpTable({ cpus: 1.5 })).toThrow(RangeError);
  });

  it('detects a corrupted byte through the checksums', () => {
    const { address, bytes } = buildMpTable({ cpus: 1 });
    const pointer = bytes.slice();
    pointer[12] = (pointer[12]! + 1) & 0xff;
    expect(() => parseMpTable(pointer, address)).toThrow(/floating pointer checksum/);
    const table = bytes.slice();
    table[100] = (table[100]! + 1) & 0xff;
    expect(() => parseMpTable(table, address)).toThrow(MpTableError);
  });
});
