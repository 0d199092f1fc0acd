/** Hex formatting shared by the inspector tabs. */
export function hex(value: number | bigint, digits = 0): string {
  const text = (typeof value === 'bigint' ? BigInt.asUintN(64, value) : value >>> 0).toString(16);
  return `0x${text.padStart(digits, '0')}`;
}

/** The ABI names of x0..x31 (RISC-V psABI). */
export const ABI_NAMES = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
];

export const PRIVILEGE_NAMES: Record<number, string> = { 0: 'U', 1: 'S', 3: 'M' };

/** mip/mie bits by name (privileged spec §3.1.9). */
export const INTERRUPT_BITS: [number, string][] = [
  [1, 'SSI'],
  [3, 'MSI'],
  [5, 'STI'],
  [7, 'MTI'],
  [9, 'SEI'],
  [11, 'MEI'],
];

export function interruptBits(value: bigint): string {
  const names = INTERRUPT_BITS.filter(([bit]) => (value >> BigInt(bit)) & 1n).map(([, n]) => n);
  return names.length > 0 ? names.join(' ') : '—';
}

/** virtq_desc flags (virtio 1.x §2.7.5). */
export function descriptorFlags(flags: number): string {
  const names: string[] = [];
  if (flags & 1) names.push('NEXT');
  if (flags & 2) names.push('WRITE');
  if (flags & 4) names.push('INDIRECT');
  return names.join('|') || '—';
}
