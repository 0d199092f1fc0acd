import { describe, it, expect } from 'vitest';
import { FdtBuilder } from '../../core/fdt';
import { decodeDeviceTree, formatProperty } from './device-tree-text';

describe('decodeDeviceTree', () => {
  it('shows strings, reg ranges and cells readably', () => {
    const builder = new FdtBuilder();
    const root = builder.root;
    root.setU32('#address-cells', 2).setU32('#size-cells', 2).setString('model', 'kindling');
    root
      .addNode('memory@80000000')
      .setString('device_type', 'memory')
      .setU64Array('reg', [0x8000_0000n, 0x800_0000n]);
    const tree = decodeDeviceTree(builder.toBytes());
    expect(tree.name).toBe('/');
    expect(tree.properties).toContainEqual({ name: 'model', value: '"kindling"' });
    expect(tree.properties).toContainEqual({ name: '#size-cells', value: '<0x2>' });
    const memory = tree.children.find((c) => c.name === 'memory@80000000')!;
    expect(memory.properties).toContainEqual({ name: 'reg', value: '0x80000000 + 0x8000000' });
  });

  it('rejects a blob that is not a device tree', () => {
    expect(() => decodeDeviceTree(new Uint8Array(64))).toThrow();
  });

  it('formats empty and odd-sized values', () => {
    expect(formatProperty('interrupt-controller', new Uint8Array())).toBe('(true)');
    expect(formatProperty('x', new Uint8Array([1, 2, 3]))).toBe('[01 02 03]');
  });
});
