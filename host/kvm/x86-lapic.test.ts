import { describe, expect, it } from 'vitest';
import { withLegacyLint } from './x86-lapic';

describe('LAPIC LINT0/LINT1', () => {
  it('sets ExtINT on LINT0 and NMI on LINT1, unmasked, keeping the other bits', () => {
    const page = new Uint8Array(1024);
    const view = new DataView(page.buffer);
    view.setUint32(0x350, 0x0001_0000 | 0x8000 | 0x200, true); // masked, level, SMI
    view.setUint32(0x360, 0x0001_0000, true);
    view.setUint32(0x20, 0x0300_0000, true); // APIC id stays
    const out = new DataView(withLegacyLint(page).buffer);
    expect(out.getUint32(0x350, true)).toBe(0x8000 | 0x700);
    expect(out.getUint32(0x360, true)).toBe(0x400);
    expect(out.getUint32(0x20, true)).toBe(0x0300_0000);
    expect(view.getUint32(0x360, true)).toBe(0x0001_0000); // input untouched
    expect(() => withLegacyLint(new Uint8Array(16))).toThrow(RangeError);
  });
});
