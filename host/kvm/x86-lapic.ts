/**
 * Local APIC wiring a PC firmware would leave for the kernel: LINT0 in ExtINT mode (the legacy 8259
 * PIC's output, which Linux uses until it switches to the IOAPIC) and LINT1 as NMI, both unmasked.
 * Applied to the register page from KVM_GET_LAPIC before KVM_SET_LAPIC.
 */
const LVT_LINT0 = 0x350;
const LVT_LINT1 = 0x360;
const DELIVERY_MODE_MASK = 0x700;
const DELIVERY_EXTINT = 0x700;
const DELIVERY_NMI = 0x400;
const LVT_MASKED = 1 << 16;

function setDelivery(view: DataView, offset: number, mode: number): void {
  const value = view.getUint32(offset, true);
  view.setUint32(offset, ((value & ~DELIVERY_MODE_MASK & ~LVT_MASKED) | mode) >>> 0, true);
}

/** Returns a copy of `registers` with LINT0 = ExtINT and LINT1 = NMI. */
export function withLegacyLint(registers: Uint8Array): Uint8Array {
  if (registers.length < LVT_LINT1 + 4) throw new RangeError('LAPIC register page too short');
  const copy = registers.slice();
  const view = new DataView(copy.buffer);
  setDelivery(view, LVT_LINT0, DELIVERY_EXTINT);
  setDelivery(view, LVT_LINT1, DELIVERY_NMI);
  return copy;
}
