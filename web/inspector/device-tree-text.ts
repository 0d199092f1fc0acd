/**
 * A DTB (as the VMM handed it to the kernel) decoded into a tree of readable properties:
 * strings stay strings, cells become hex words, `reg` pairs become address/size ranges.
 */
import { parseFdt, propStrings, propU32s, type ParsedFdtNode } from '../../core/fdt';

export interface DeviceTreeNode {
  name: string;
  properties: { name: string; value: string }[];
  children: DeviceTreeNode[];
}

const STRING_PROPS = new Set([
  'compatible',
  'model',
  'status',
  'device_type',
  'bootargs',
  'stdout-path',
  'riscv,isa',
  'mmu-type',
  'riscv,isa-base',
  'riscv,isa-extensions',
]);

function isPrintable(value: Uint8Array): boolean {
  if (value.length === 0 || value[value.length - 1] !== 0) return false;
  for (let i = 0; i < value.length - 1; i++) {
    const byte = value[i]!;
    if (byte !== 0 && (byte < 0x20 || byte > 0x7e)) return false;
  }
  return value[0] !== 0;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** `reg` with #address-cells = #size-cells = 2 (this machine's root): 64-bit base and size. */
function formatReg(cells: number[]): string {
  if (cells.length % 4 !== 0) return `<${cells.map(hex).join(' ')}>`;
  const ranges: string[] = [];
  for (let i = 0; i < cells.length; i += 4) {
    const base = BigInt(cells[i]!) * 2n ** 32n + BigInt(cells[i + 1]!);
    const size = BigInt(cells[i + 2]!) * 2n ** 32n + BigInt(cells[i + 3]!);
    ranges.push(`0x${base.toString(16)} + 0x${size.toString(16)}`);
  }
  return ranges.join(', ');
}

export function formatProperty(name: string, value: Uint8Array): string {
  if (value.length === 0) return '(true)';
  if (STRING_PROPS.has(name) || isPrintable(value)) {
    const strings = propStrings(value);
    return strings.map((s) => `"${s}"`).join(', ');
  }
  if (value.length % 4 === 0) {
    const cells = propU32s(value);
    if (name === 'reg') return formatReg(cells);
    return `<${cells.map(hex).join(' ')}>`;
  }
  return `[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

function convert(node: ParsedFdtNode): DeviceTreeNode {
  return {
    name: node.name === '' ? '/' : node.name,
    properties: [...node.properties].map(([name, value]) => ({
      name,
      value: formatProperty(name, value),
    })),
    children: node.children.map(convert),
  };
}

/** Throws the reader's FdtError for a malformed blob. */
export function decodeDeviceTree(blob: Uint8Array): DeviceTreeNode {
  return convert(parseFdt(blob).root);
}
