/**
 * The Intel MultiProcessor Specification 1.4 tables Linux reads to find the CPUs, the IOAPIC and how
 * ISA/virtio interrupts reach IOAPIC pins when there is no ACPI: a 16-byte floating pointer ("_MP_")
 * that points at a configuration table ("PCMP") with one entry per processor, bus, IOAPIC, I/O
 * interrupt and local interrupt. Every structure carries a checksum byte making its bytes sum to 0.
 *
 * Placed at 0x9fc00 (the last KiB below 640 KiB), one of the places Linux scans for "_MP_".
 */
import { IOAPIC_PINS, X86_LAYOUT } from '../memory-map';

export const MP_SIGNATURE = '_MP_';
export const PCMP_SIGNATURE = 'PCMP';
const FLOATING_BYTES = 16;
const HEADER_BYTES = 44;
const PROCESSOR_BYTES = 20;
const SMALL_ENTRY_BYTES = 8;
const SPEC_REV_1_4 = 4;

export const MP_ENTRY = {
  processor: 0,
  bus: 1,
  ioapic: 2,
  ioInterrupt: 3,
  localInterrupt: 4,
} as const;
export const MP_INT_TYPE = { int: 0, nmi: 1, smi: 2, extint: 3 } as const;
/** Polarity (bits 0–1) and trigger mode (bits 2–3): 0 = "conforms to the bus" (ISA: edge, high). */
export const MP_IRQ_FLAGS = { conforming: 0, levelActiveHigh: 0b1101 } as const;

const LAPIC_VERSION = 0x14;
const IOAPIC_VERSION = 0x11;
const CPU_ENABLED = 1;
const CPU_BOOTSTRAP = 2;
const ISA_BUS_ID = 0;
/** Destination "all local APICs" for local interrupt entries. */
const ALL_LAPICS = 0xff;

export interface MpTableInput {
  readonly cpus: number;
  /** IOAPIC pins driven by level-triggered devices (virtio); other pins conform to ISA (edge). */
  readonly levelTriggeredPins?: readonly number[];
  /** Guest-physical address the table is written at (the floating pointer points into it). */
  readonly address?: number;
}

export interface MpTable {
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** The IOAPIC id: after the LAPIC ids 0..cpus-1, as real boards number them. */
export const ioapicIdFor = (cpus: number): number => cpus;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return (0x100 - sum) & 0xff;
}

function ascii(view: DataView, at: number, text: string, length: number): void {
  for (let i = 0; i < length; i++)
    view.setUint8(at + i, i < text.length ? text.charCodeAt(i) : 0x20);
}

export function buildMpTable(input: MpTableInput): MpTable {
  const { cpus } = input;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 254)
    throw new RangeError(`MP table: ${cpus} CPUs, need 1..254`);
  const address = input.address ?? X86_LAYOUT.mpTable;
  const level = new Set(input.levelTriggeredPins ?? []);
  const entryCount = cpus + 1 + 1 + IOAPIC_PINS + 2;
  const tableBytes =
    HEADER_BYTES + cpus * PROCESSOR_BYTES + (entryCount - cpus) * SMALL_ENTRY_BYTES;
  const bytes = new Uint8Array(FLOATING_BYTES + tableBytes);
  const view = new DataView(bytes.buffer);
  const tableAt = FLOATING_BYTES;
  const ioapicId = ioapicIdFor(cpus);

  // Floating pointer: signature, physical address of the table, length in 16-byte units, revision.
  ascii(view, 0, MP_SIGNATURE, 4);
  view.setUint32(4, address + tableAt, true);
  view.setUint8(8, 1);
  view.setUint8(9, SPEC_REV_1_4);
  // Feature byte 1 = 0: a configuration table is present (no default configuration).

  ascii(view, tableAt, PCMP_SIGNATURE, 4);
  view.setUint16(tableAt + 4, tableBytes, true);
  view.setUint8(tableAt + 6, SPEC_REV_1_4);
  ascii(view, tableAt + 8, 'KINDLING', 8);
  ascii(view, tableAt + 16, 'MICROVM', 12);
  view.setUint16(tableAt + 34, entryCount, true);
  view.setUint32(tableAt + 36, X86_LAYOUT.lapic, true);

  let at = tableAt + HEADER_BYTES;
  for (let cpu = 0; cpu < cpus; cpu++) {
    view.setUint8(at, MP_ENTRY.processor);
    view.setUint8(at + 1, cpu); // LAPIC id = vCPU id (CPUID leaf 1 says the same)
    view.setUint8(at + 2, LAPIC_VERSION);
    view.setUint8(at + 3, CPU_ENABLED | (cpu === 0 ? CPU_BOOTSTRAP : 0));
    view.setUint32(at + 4, 0x600, true); // family 6: signature only informs, CPUID is authoritative
    view.setUint32(at + 8, 0x201, true); // FPU, APIC
    at += PROCESSOR_BYTES;
  }
  view.setUint8(at, MP_ENTRY.bus);
  view.setUint8(at + 1, ISA_BUS_ID);
  ascii(view, at + 2, 'ISA', 6);
  at += SMALL_ENTRY_BYTES;
  view.setUint8(at, MP_ENTRY.ioapic);
  view.setUint8(at + 1, ioapicId);
  view.setUint8(at + 2, IOAPIC_VERSION);
  view.setUint8(at + 3, 1); // enabled
  view.setUint32(at + 4, X86_LAYOUT.ioapic, true);
  at += SMALL_ENTRY_BYTES;
  for (let pin = 0; pin < IOAPIC_PINS; pin++) {
    view.setUint8(at, MP_ENTRY.ioInterrupt);
    view.setUint8(at + 1, MP_INT_TYPE.int);
    const flags = level.has(pin) ? MP_IRQ_FLAGS.levelActiveHigh : MP_IRQ_FLAGS.conforming;
    view.setUint16(at + 2, flags, true);
    view.setUint8(at + 4, ISA_BUS_ID);
    view.setUint8(at + 5, pin);
    view.setUint8(at + 6, ioapicId);
    view.setUint8(at + 7, pin);
    at += SMALL_ENTRY_BYTES;
  }
  // LINT0 is the legacy PIC's ExtINT, LINT1 the NMI line, on every LAPIC.
  for (const [type, lint] of [
    [MP_INT_TYPE.extint, 0],
    [MP_INT_TYPE.nmi, 1],
  ] as const) {
    view.setUint8(at, MP_ENTRY.localInterrupt);
    view.setUint8(at + 1, type);
    view.setUint8(at + 4, ISA_BUS_ID);
    view.setUint8(at + 6, ALL_LAPICS);
    view.setUint8(at + 7, lint);
    at += SMALL_ENTRY_BYTES;
  }
  view.setUint8(tableAt + 7, checksum(bytes.subarray(tableAt)));
  view.setUint8(10, checksum(bytes.subarray(0, FLOATING_BYTES)));
  return { address, bytes };
}

/** What a table says, read back the way a kernel would (used by tests and diagnostics). */
export interface ParsedMpTable {
  readonly tableAddress: number;
  readonly lapicAddress: number;
  readonly processors: { lapicId: number; bootstrap: boolean }[];
  readonly buses: string[];
  readonly ioapics: { id: number; address: number }[];
  readonly ioInterrupts: { type: number; flags: number; sourceIrq: number; pin: number }[];
  readonly localInterrupts: { type: number; lint: number }[];
}

export class MpTableError extends Error {
  override name = 'MpTableError';
}

const sums = (bytes: Uint8Array): boolean => checksum(bytes) === 0;
const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes).trimEnd();

/** Parses a table written at `address` (bytes start at the floating pointer); throws on any inconsistency. */
export function parseMpTable(bytes: Uint8Array, address: number): ParsedMpTable {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < FLOATING_BYTES || text(bytes.subarray(0, 4)) !== MP_SIGNATURE)
    throw new MpTableError('no _MP_ floating pointer');
  if (!sums(bytes.subarray(0, FLOATING_BYTES))) throw new MpTableError('floating pointer checksum');
  const tableAt = view.getUint32(4, true) - address;
  if (tableAt < 0 || tableAt + HEADER_BYTES > bytes.length)
    throw new MpTableError('table outside the bytes');
  if (text(bytes.subarray(tableAt, tableAt + 4)) !== PCMP_SIGNATURE)
    throw new MpTableError('no PCMP');
  const length = view.getUint16(tableAt + 4, true);
  if (tableAt + length > bytes.length) throw new MpTableError('table length past the bytes');
  if (!sums(bytes.subarray(tableAt, tableAt + length))) throw new MpTableError('table checksum');
  const parsed: ParsedMpTable = {
    tableAddress: address + tableAt,
    lapicAddress: view.getUint32(tableAt + 36, true),
    processors: [],
    buses: [],
    ioapics: [],
    ioInterrupts: [],
    localInterrupts: [],
  };
  let at = tableAt + HEADER_BYTES;
  const count = view.getUint16(tableAt + 34, true);
  for (let i = 0; i < count; i++) {
    if (at >= tableAt + length) throw new MpTableError(`entry ${i} past the table end`);
    const type = view.getUint8(at);
    if (type === MP_ENTRY.processor) {
      const flags = view.getUint8(at + 3);
      parsed.processors.push({
        lapicId: view.getUint8(at + 1),
        bootstrap: (flags & CPU_BOOTSTRAP) !== 0,
      });
      at += PROCESSOR_BYTES;
      continue;
    }
    if (type === MP_ENTRY.bus) parsed.buses.push(text(bytes.subarray(at + 2, at + 8)));
    else if (type === MP_ENTRY.ioapic)
      parsed.ioapics.push({ id: view.getUint8(at + 1), address: view.getUint32(at + 4, true) });
    else if (type === MP_ENTRY.ioInterrupt)
      parsed.ioInterrupts.push({
        type: view.getUint8(at + 1),
        flags: view.getUint16(at + 2, true),
        sourceIrq: view.getUint8(at + 5),
        pin: view.getUint8(at + 7),
      });
    else if (type === MP_ENTRY.localInterrupt)
      parsed.localInterrupts.push({ type: view.getUint8(at + 1), lint: view.getUint8(at + 7) });
    else throw new MpTableError(`unknown entry type ${type}`);
    at += SMALL_ENTRY_BYTES;
  }
  return parsed;
}
