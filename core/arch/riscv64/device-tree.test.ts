import { describe, it, expect } from 'vitest';
import {
  buildDeviceTree,
  DeviceTreeError,
  isaExtensionList,
  type RiscvMachineDescription,
} from './device-tree';
import { findNode, parseFdt, propStrings, propU32s, propU64s } from '../../fdt/fdt-reader';
import type { ParsedFdtNode } from '../../fdt/fdt-reader';
import { decompileWithDtc, dtcPath } from '../../../test-support/dtc';

const base: RiscvMachineDescription = {
  harts: 2,
  ramSize: 256 * 1024 * 1024,
  bootargs: 'console=ttyS0',
  virtioSlots: [0, 2],
};

function node(root: ParsedFdtNode, path: string): ParsedFdtNode {
  const found = findNode(root, path);
  if (!found) throw new Error(`missing ${path}`);
  return found;
}
const str = (n: ParsedFdtNode, p: string): string[] => propStrings(n.properties.get(p)!);
const u32 = (n: ParsedFdtNode, p: string): number[] => propU32s(n.properties.get(p)!);

describe('riscv64 device tree', () => {
  it('describes root, memory and chosen', () => {
    const { root } = parseFdt(
      buildDeviceTree({ ...base, initrd: { start: 0x8800_0000, end: 0x8810_0000 } }),
    );
    expect(u32(root, '#address-cells')).toEqual([2]);
    expect(str(root, 'compatible')).toEqual(['kindling,riscv-virt', 'riscv-virtio']);
    const memory = node(root, '/memory@80000000');
    expect(str(memory, 'device_type')).toEqual(['memory']);
    expect(u32(memory, 'reg')).toEqual([0, 0x8000_0000, 0, 256 * 1024 * 1024]);
    const chosen = node(root, '/chosen');
    expect(str(chosen, 'bootargs')).toEqual(['console=ttyS0']);
    expect(str(chosen, 'stdout-path')).toEqual(['/soc/serial@10000000']);
    expect(propU64s(chosen.properties.get('linux,initrd-start')!)).toEqual([0x8800_0000n]);
    expect(propU64s(chosen.properties.get('linux,initrd-end')!)).toEqual([0x8810_0000n]);
  });

  it('omits initrd properties without an initrd and encodes RAM above 4 GiB boundaries', () => {
    const { root } = parseFdt(buildDeviceTree({ ...base, ramSize: 3 * 1024 ** 3 }));
    expect(node(root, '/chosen').properties.has('linux,initrd-start')).toBe(false);
    expect(u32(node(root, '/memory@80000000'), 'reg')).toEqual([0, 0x8000_0000, 0, 0xc000_0000]);
  });

  it('has one cpu node per hart with its own cpu-intc, and Linux-parsable riscv,isa with sstc', () => {
    const { root } = parseFdt(buildDeviceTree({ ...base, harts: 4 }));
    const cpus = node(root, '/cpus');
    expect(u32(cpus, 'timebase-frequency')).toEqual([10_000_000]);
    expect(cpus.children.map((c) => c.name)).toEqual(['cpu@0', 'cpu@1', 'cpu@2', 'cpu@3']);
    const phandles = new Set<number>();
    cpus.children.forEach((cpu, hart) => {
      expect(u32(cpu, 'reg')).toEqual([hart]);
      expect(str(cpu, 'compatible')).toEqual(['riscv']);
      expect(str(cpu, 'status')).toEqual(['okay']);
      const [isa] = str(cpu, 'riscv,isa');
      expect(isa).toMatch(/^rv64imafdc(_|$)/);
      expect(isa!.split('_')).toContain('sstc');
      expect(str(cpu, 'mmu-type')).toEqual(['riscv,sv39']);
      expect(str(cpu, 'riscv,isa-base')).toEqual(['rv64i']);
      expect(str(cpu, 'riscv,isa-extensions')).toEqual([
        'i',
        'm',
        'a',
        'f',
        'd',
        'c',
        'zicsr',
        'zifencei',
        'zicntr',
        'zihintpause',
        'sstc',
      ]);
      const intc = node(cpu, 'interrupt-controller');
      expect(str(intc, 'compatible')).toEqual(['riscv,cpu-intc']);
      expect(u32(intc, '#interrupt-cells')).toEqual([1]);
      phandles.add(u32(intc, 'phandle')[0]!);
    });
    expect(phandles.size).toBe(4);
  });

  it('wires PLIC contexts M then S per hart, and CLINT M-soft/M-timer per hart', () => {
    const { root } = parseFdt(buildDeviceTree(base));
    const intc = (h: number): number =>
      u32(node(root, `/cpus/cpu@${h}/interrupt-controller`), 'phandle')[0]!;
    const plic = node(root, '/soc/plic@c000000');
    expect(str(plic, 'compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(u32(plic, 'interrupts-extended')).toEqual([
      intc(0),
      11,
      intc(0),
      9,
      intc(1),
      11,
      intc(1),
      9,
    ]);
    expect(u32(plic, 'riscv,ndev')).toEqual([31]);
    expect(u32(plic, 'reg')).toEqual([0, 0x0c00_0000, 0, 0x60_0000]);
    const clint = node(root, '/soc/clint@2000000');
    expect(u32(clint, 'interrupts-extended')).toEqual([
      intc(0),
      3,
      intc(0),
      7,
      intc(1),
      3,
      intc(1),
      7,
    ]);
  });

  it('routes UART and populated virtio slots to the PLIC', () => {
    const { root } = parseFdt(buildDeviceTree(base));
    const plicPhandle = u32(node(root, '/soc/plic@c000000'), 'phandle')[0];
    const uart = node(root, '/soc/serial@10000000');
    expect(str(uart, 'compatible')).toEqual(['ns16550a']);
    expect(u32(uart, 'interrupts')).toEqual([10]);
    expect(u32(uart, 'interrupt-parent')).toEqual([plicPhandle]);
    expect(u32(uart, 'clock-frequency')).toEqual([3_686_400]);
    const virtio = node(root, '/soc').children.filter((c) => c.name.startsWith('virtio_mmio'));
    expect(virtio.map((v) => v.name)).toEqual(['virtio_mmio@10001000', 'virtio_mmio@10003000']);
    expect(virtio.map((v) => u32(v, 'interrupts')[0])).toEqual([1, 3]);
    expect(u32(virtio[1]!, 'reg')).toEqual([0, 0x1000_3000, 0, 0x1000]);
  });

  it('offers poweroff and reboot through the SiFive test syscon', () => {
    const { root } = parseFdt(buildDeviceTree(base));
    const test = node(root, '/soc/test@100000');
    expect(str(test, 'compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    const phandle = u32(test, 'phandle')[0];
    const poweroff = node(root, '/poweroff');
    expect(str(poweroff, 'compatible')).toEqual(['syscon-poweroff']);
    expect([
      u32(poweroff, 'regmap')[0],
      u32(poweroff, 'offset')[0],
      u32(poweroff, 'value')[0],
    ]).toEqual([phandle, 0, 0x5555]);
    expect(u32(node(root, '/reboot'), 'value')).toEqual([0x7777]);
  });

  it('announces the boot timer only through bootargs', () => {
    const { root } = parseFdt(buildDeviceTree({ ...base, bootTimer: true }));
    expect(str(node(root, '/chosen'), 'bootargs')).toEqual([
      'console=ttyS0 kindling.boot_timer=0x101000',
    ]);
    expect(node(root, '/soc').children.some((c) => c.name.includes('101000'))).toBe(false);
  });

  it('derives the extension list only from plain rv64 ISA strings', () => {
    expect(isaExtensionList('rv64ima_zba')).toEqual(['i', 'm', 'a', 'zba']);
    expect(isaExtensionList('rv64gc')).toBeUndefined();
    expect(isaExtensionList('rv32imac')).toBeUndefined();
    const { root } = parseFdt(buildDeviceTree({ ...base, isa: 'rv64gc', harts: 1 }));
    const cpu = node(root, '/cpus/cpu@0');
    expect(str(cpu, 'riscv,isa')).toEqual(['rv64gc']);
    expect(cpu.properties.has('riscv,isa-extensions')).toBe(false);
  });

  it('refuses descriptions it cannot describe', () => {
    expect(() => buildDeviceTree({ ...base, harts: 0 })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...base, harts: 9 })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...base, virtioSlots: [8] })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...base, virtioSlots: [1, 1] })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...base, ramSize: 1000 })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...base, initrd: { start: 0x1000, end: 0x2000 } })).toThrow(
      DeviceTreeError,
    );
  });

  it.skipIf(!dtcPath)('decompiles with dtc without warnings', () => {
    const { dts, warnings } = decompileWithDtc(
      buildDeviceTree({
        ...base,
        harts: 3,
        bootTimer: true,
        initrd: { start: 0x8800_0000, end: 0x8810_0000 },
      }),
    );
    expect(warnings).toBe('');
    expect(dts).toContain('riscv,isa = "rv64imafdc_zicsr_zifencei_zicntr_zihintpause_sstc";');
    expect(dts).toContain('compatible = "sifive,plic-1.0.0\\0riscv,plic0";');
    expect(dts).toContain('linux,initrd-start = <0x00 0x88000000>;');
  });

  it.skipIf(!dtcPath)('stays warning-free for 1, 4 and 8 harts with every virtio slot', () => {
    for (const harts of [1, 4, 8]) {
      const blob = buildDeviceTree({ ...base, harts, virtioSlots: [7, 6, 5, 4, 3, 2, 1, 0] });
      const { dts, warnings } = decompileWithDtc(blob);
      expect(warnings).toBe('');
      expect(dts.match(/virtio,mmio/g)).toHaveLength(8);
      expect(dts.match(/device_type = "cpu"/g)).toHaveLength(harts);
    }
  });
});
