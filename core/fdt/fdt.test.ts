import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { FdtBuilder, FdtNode } from './fdt-writer';
import { FdtError } from './fdt-format';
import { findNode, parseFdt, propStrings, propU32s, propU64s } from './fdt-reader';
import { decompileWithDtc, dtcPath } from '../../test-support/dtc';

function sampleTree(): FdtBuilder {
  const fdt = new FdtBuilder();
  fdt.root.setU32('#address-cells', 2).setU32('#size-cells', 2);
  fdt.root.setStringList('compatible', ['acme,board', 'acme,family']);
  const intc = fdt.root.addNode('intc@1000');
  const phandle = fdt.allocatePhandle(intc);
  intc.setEmpty('interrupt-controller').setU32('#interrupt-cells', 1);
  const dev = fdt.root.addNode('dev@2000');
  dev.setU64Array('reg', [0x2000, 0x100]);
  dev.setU32Array('interrupts-extended', [phandle, 5]);
  dev.setString('status', 'okay');
  dev.setBytes('raw', Uint8Array.of(1, 2, 3));
  dev.setU64('big', 0xfedc_ba98_7654_3210n);
  fdt.root.addNode('chosen').setString('bootargs', 'console=ttyS0 λ');
  fdt.addReservation(0x8000_0000, 0x20_0000);
  fdt.bootCpuId = 3;
  return fdt;
}

describe('FdtBuilder', () => {
  it('writes a v17 blob the reader decodes back to the same tree', () => {
    const blob = sampleTree().toBytes();
    const fdt = parseFdt(blob);
    expect(fdt.version).toBe(17);
    expect(fdt.lastCompatibleVersion).toBe(16);
    expect(fdt.bootCpuId).toBe(3);
    expect(fdt.totalSize).toBe(blob.length);
    expect(fdt.reservations).toEqual([{ address: 0x8000_0000n, size: 0x20_0000n }]);
    expect(propStrings(fdt.root.properties.get('compatible')!)).toEqual([
      'acme,board',
      'acme,family',
    ]);
    const dev = findNode(fdt.root, '/dev@2000')!;
    expect(propU64s(dev.properties.get('reg')!)).toEqual([0x2000n, 0x100n]);
    expect(propU32s(dev.properties.get('interrupts-extended')!)).toEqual([1, 5]);
    expect(propU64s(dev.properties.get('big')!)).toEqual([0xfedc_ba98_7654_3210n]);
    expect(Array.from(dev.properties.get('raw')!)).toEqual([1, 2, 3]);
    expect(findNode(fdt.root, '/intc@1000')!.properties.get('interrupt-controller')!.length).toBe(
      0,
    );
    expect(propStrings(findNode(fdt.root, '/chosen')!.properties.get('bootargs')!)).toEqual([
      'console=ttyS0 λ',
    ]);
  });

  it('stores each property name once in the strings block', () => {
    const fdt = new FdtBuilder();
    for (let i = 0; i < 5; i++)
      fdt.root.addNode(`n@${i}`).setU32('reg', i).setString('status', 'x');
    const blob = fdt.toBytes();
    const view = new DataView(blob.buffer);
    const stringsSize = view.getUint32(32);
    expect(stringsSize).toBe('reg\0status\0'.length);
  });

  it('lays out header, reservation, structure and strings blocks aligned and in bounds', () => {
    const blob = sampleTree().toBytes();
    const view = new DataView(blob.buffer);
    expect(view.getUint32(0)).toBe(0xd00dfeed);
    const rsv = view.getUint32(16);
    const struct = view.getUint32(8);
    const strings = view.getUint32(12);
    expect(rsv % 8).toBe(0);
    expect(struct % 4).toBe(0);
    expect(struct).toBeGreaterThanOrEqual(rsv + 2 * 16);
    expect(strings).toBe(struct + view.getUint32(36));
    expect(view.getUint32(4)).toBe(strings + view.getUint32(32));
  });

  it('re-setting a property replaces its value', () => {
    const node = new FdtNode('x');
    node.setU32('a', 1).setU32('a', 2);
    expect(propU32s(node.properties.get('a')!)).toEqual([2]);
  });

  it('refuses values it cannot encode', () => {
    const node = new FdtNode('n');
    expect(() => node.setU32('v', -1)).toThrow(FdtError);
    expect(() => node.setU32('v', 2 ** 32)).toThrow(FdtError);
    expect(() => node.setU64('v', 1n << 64n)).toThrow(FdtError);
    expect(() => node.setU64('v', 2 ** 60)).toThrow(FdtError);
    expect(() => node.setString('v', 'a\0b')).toThrow(FdtError);
    expect(() => node.setU32('bad name', 1)).toThrow(FdtError);
    expect(() => node.setPhandle(0)).toThrow(FdtError);
    expect(() => new FdtNode('a/b')).toThrow(FdtError);
    expect(() => node.addNode('c').addNode('d')).not.toThrow();
    expect(() => node.addNode('c')).toThrow(FdtError);
  });

  it.skipIf(!dtcPath)('is accepted by dtc, which sees the same properties', () => {
    const { dts } = decompileWithDtc(sampleTree().toBytes());
    expect(dts).toContain('/memreserve/\t0x0000000080000000 0x0000000000200000;');
    expect(dts).toContain('compatible = "acme,board\\0acme,family";');
    expect(dts).toMatch(/reg = <0x00 0x2000 0x00 0x100>;/);
    expect(dts).toMatch(/interrupts-extended = <0x01 0x05>;/);
    expect(dts).toContain('big = <0xfedcba98 0x76543210>;');
    expect(dts).toContain('raw = [01 02 03];');
    expect(dts).toContain('interrupt-controller;');
    expect(dts).toContain('phandle = <0x01>;');
  });
});

describe('parseFdt on malformed input', () => {
  it('rejects a bad magic and a truncated blob with FdtError', () => {
    const blob = sampleTree().toBytes();
    const bad = blob.slice();
    bad[0] = 0;
    expect(() => parseFdt(bad)).toThrow(FdtError);
    expect(() => parseFdt(blob.subarray(0, blob.length - 8))).toThrow(FdtError);
    expect(() => parseFdt(new Uint8Array(10))).toThrow(FdtError);
  });

  it('never throws anything but FdtError on corrupted blobs', () => {
    const blob = sampleTree().toBytes();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(blob.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        (edits) => {
          const copy = blob.slice();
          for (const [at, value] of edits) copy[at] = value;
          try {
            parseFdt(copy);
          } catch (e) {
            expect(e).toBeInstanceOf(FdtError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
