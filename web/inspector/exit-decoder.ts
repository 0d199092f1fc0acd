/**
 * Turns a raw MMIO exit (an absolute address and a value) into words a learner recognises: the
 * device and the register it touched — 16550 UART, virtio-mmio transport, PLIC, CLINT, test
 * finisher. The register layouts follow the 16550 datasheet, virtio 1.x §4.2.2 and the PLIC spec.
 */
import type { BusEntry, ExitRecord } from '../../workers/browser/vmm-api';

export interface DecodedExit {
  device: string;
  register: string;
  offset: number;
}

/** 16550: offset 0 is RBR on reads and THR on writes, offset 2 is IIR on reads and FCR on writes. */
function uartRegister(offset: number, write: boolean): string {
  switch (offset) {
    case 0:
      return write ? 'THR (transmit)' : 'RBR (receive)';
    case 1:
      return 'IER (interrupt enable)';
    case 2:
      return write ? 'FCR (FIFO control)' : 'IIR (interrupt id)';
    case 3:
      return 'LCR (line control)';
    case 4:
      return 'MCR (modem control)';
    case 5:
      return 'LSR (line status)';
    case 6:
      return 'MSR (modem status)';
    case 7:
      return 'SCR (scratch)';
    default:
      return `+0x${offset.toString(16)}`;
  }
}

const VIRTIO_MMIO_REGISTERS: Record<number, string> = {
  0x000: 'MagicValue',
  0x004: 'Version',
  0x008: 'DeviceID',
  0x00c: 'VendorID',
  0x010: 'DeviceFeatures',
  0x014: 'DeviceFeaturesSel',
  0x020: 'DriverFeatures',
  0x024: 'DriverFeaturesSel',
  0x030: 'QueueSel',
  0x034: 'QueueNumMax',
  0x038: 'QueueNum',
  0x044: 'QueueReady',
  0x050: 'QueueNotify',
  0x060: 'InterruptStatus',
  0x064: 'InterruptACK',
  0x070: 'Status',
  0x080: 'QueueDescLow',
  0x084: 'QueueDescHigh',
  0x090: 'QueueDriverLow',
  0x094: 'QueueDriverHigh',
  0x0a0: 'QueueDeviceLow',
  0x0a4: 'QueueDeviceHigh',
  0x0ac: 'SHMSel',
  0x0b0: 'SHMLenLow',
  0x0b4: 'SHMLenHigh',
  0x0b8: 'SHMBaseLow',
  0x0bc: 'SHMBaseHigh',
  0x0c0: 'QueueReset',
  0x0fc: 'ConfigGeneration',
};

function virtioRegister(offset: number): string {
  if (offset >= 0x100) return `Config[+0x${(offset - 0x100).toString(16)}]`;
  return VIRTIO_MMIO_REGISTERS[offset] ?? `+0x${offset.toString(16)}`;
}

/** PLIC: priorities, pending bits, per-context enables, then per-context threshold and claim. */
function plicRegister(offset: number, write: boolean): string {
  if (offset < 0x1000) return `priority[${offset >> 2}]`;
  if (offset < 0x2000) return `pending[${(offset - 0x1000) >> 2}]`;
  if (offset < 0x200000) {
    const context = Math.floor((offset - 0x2000) / 0x80);
    return `enable[ctx ${context}][${((offset - 0x2000) % 0x80) >> 2}]`;
  }
  const context = Math.floor((offset - 0x200000) / 0x1000);
  const within = (offset - 0x200000) % 0x1000;
  if (within === 0) return `threshold[ctx ${context}]`;
  if (within === 4) return write ? `complete[ctx ${context}]` : `claim[ctx ${context}]`;
  return `+0x${offset.toString(16)}`;
}

function clintRegister(offset: number): string {
  if (offset < 0x4000) return `msip[hart ${offset >> 2}]`;
  if (offset < 0xbff8) return `mtimecmp[hart ${(offset - 0x4000) >> 3}]`;
  if (offset === 0xbff8) return 'mtime';
  return `+0x${offset.toString(16)}`;
}

/** Name the register an exit touched, given the bus map it happened on. */
export function decodeExit(exit: ExitRecord, bus: readonly BusEntry[]): DecodedExit {
  const entry = bus.find((b) => exit.address >= b.base && exit.address < b.base + b.size);
  if (!entry) {
    return { device: '(unmapped)', register: `0x${exit.address.toString(16)}`, offset: 0 };
  }
  const offset = exit.address - entry.base;
  const name = entry.name.toLowerCase();
  let register: string;
  if (name.includes('uart') || name.includes('serial')) register = uartRegister(offset, exit.write);
  else if (name.startsWith('virtio')) register = virtioRegister(offset);
  else if (name.includes('plic')) register = plicRegister(offset, exit.write);
  else if (name.includes('clint')) register = clintRegister(offset);
  else register = `+0x${offset.toString(16)}`;
  return { device: entry.name, register, offset };
}

/** The value as the access saw it: a printable character for UART data, hex otherwise. */
export function describeExitValue(exit: ExitRecord, decoded: DecodedExit): string {
  const hex = `0x${exit.value.toString(16).padStart(exit.size * 2, '0')}`;
  const isUartData = decoded.register.startsWith('THR') || decoded.register.startsWith('RBR');
  if (isUartData && exit.value >= 0x20n && exit.value < 0x7fn) {
    return `${hex} '${String.fromCharCode(Number(exit.value))}'`;
  }
  return hex;
}
