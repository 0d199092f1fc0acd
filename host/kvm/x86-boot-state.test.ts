import { describe, expect, it } from 'vitest';
import { decodeSregs } from './kvm-structs';
import {
  BOOT_LAYOUT,
  bootStructures,
  buildGdt,
  buildIdentityPageTables,
  gdtEntry,
  regsForEntry,
  SELECTOR,
  sregsForMode,
} from './x86-boot-state';

const RESET_SREGS = decodeSregs(new Uint8Array(312));

/** Walks the 4-level page tables in `tables` (placed at BOOT_LAYOUT.pml4) for a virtual address. */
function translate(tables: Uint8Array, virtual: number): number | undefined {
  const view = new DataView(tables.buffer);
  const entryAt = (table: number, index: number): bigint =>
    view.getBigUint64(table - BOOT_LAYOUT.pml4 + index * 8, true);
  const pml4e = entryAt(BOOT_LAYOUT.pml4, Math.floor(virtual / 2 ** 39) % 512);
  if ((pml4e & 1n) === 0n) return undefined;
  const pdpte = entryAt(Number(pml4e & ~0xfffn), Math.floor(virtual / 2 ** 30) % 512);
  if ((pdpte & 1n) === 0n) return undefined;
  const pde = entryAt(Number(pdpte & ~0xfffn), Math.floor(virtual / 2 ** 21) % 512);
  if ((pde & 1n) === 0n || (pde & 0x80n) === 0n) return undefined;
  return Number(pde & ~0x1fffffn) + (virtual % 2 ** 21);
}

describe('x86 boot state', () => {
  it('encodes GDT entries the way the CPU reads them', () => {
    // The same descriptors as the hand-written GDT in test-guests/mode-switch.S.
    expect(gdtEntry(0xa09b, 0, 0xfffff)).toBe(0x00af9b000000ffffn);
    expect(gdtEntry(0xc09b, 0, 0xfffff)).toBe(0x00cf9b000000ffffn);
    expect(gdtEntry(0xc093, 0, 0xfffff)).toBe(0x00cf93000000ffffn);
    expect(gdtEntry(0x0093, 0x12345678, 0xabcde)).toBe(0x120a93345678bcden);
  });

  it('puts the code and data descriptors at the Linux boot selectors 0x10 and 0x18', () => {
    const view = new DataView(buildGdt('long').buffer);
    expect(view.getBigUint64(SELECTOR.code, true)).toBe(0x00af9b000000ffffn);
    expect(view.getBigUint64(SELECTOR.data, true)).toBe(0x00cf93000000ffffn);
    expect(new DataView(buildGdt('protected').buffer).getBigUint64(SELECTOR.code, true)).toBe(
      0x00cf9b000000ffffn,
    );
  });

  it('identity-maps the low 4 GiB with 2 MiB pages and nothing above', () => {
    const tables = buildIdentityPageTables();
    for (const address of [
      0, 0x1000, 0x100000, 0x3fff_ffff, 0x4000_0000, 0xd000_0004, 0xffff_ffff,
    ]) {
      expect(translate(tables, address), address.toString(16)).toBe(address);
    }
    expect(translate(tables, 2 ** 32)).toBeUndefined();
  });

  it('keeps the boot structures inside their reserved low-memory window, without overlaps', () => {
    const ranges = bootStructures('long').sort((a, b) => a[0] - b[0]);
    let previousEnd = BOOT_LAYOUT.gdt;
    for (const [address, bytes] of ranges) {
      expect(address).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = address + bytes.length;
    }
    expect(previousEnd).toBeLessThanOrEqual(BOOT_LAYOUT.end);
    expect(bootStructures('real')).toEqual([]);
  });

  it('sets long mode: paging, PAE, LME|LMA, 64-bit code segment, flat data', () => {
    const sregs = sregsForMode('long', RESET_SREGS);
    expect(sregs.cr0 & 0x8000_0001n).toBe(0x8000_0001n);
    expect(sregs.cr4 & 0x20n).toBe(0x20n);
    expect(sregs.efer).toBe(0x500n);
    expect(sregs.cr3).toBe(BigInt(BOOT_LAYOUT.pml4));
    expect(sregs.cs).toMatchObject({ selector: 0x10, l: 1, db: 0, present: 1, s: 1, type: 0xb });
    expect(sregs.ds).toMatchObject({ selector: 0x18, db: 1, g: 1, limit: 0xffffffff, type: 0x3 });
    expect(sregs.gdt).toEqual({ base: BigInt(BOOT_LAYOUT.gdt), limit: 39 });
  });

  it('sets 32-bit protected mode without paging', () => {
    const sregs = sregsForMode('protected', RESET_SREGS);
    expect(sregs.cr0 & 0x8000_0001n).toBe(1n);
    expect(sregs.efer).toBe(0n);
    expect(sregs.cs).toMatchObject({ selector: 0x10, l: 0, db: 1, limit: 0xffffffff });
  });

  it('sets real mode with segment bases of zero and protection off', () => {
    const sregs = sregsForMode('real', { ...RESET_SREGS, cr0: 0x6000_0011n });
    expect(sregs.cr0 & 1n).toBe(0n);
    expect(sregs.cs).toMatchObject({ selector: 0, base: 0n, limit: 0xffff });
  });

  it('starts at the entry point with interrupts off and boot_params in RSI', () => {
    const regs = regsForEntry(0x100000, 0x8000, 0x7000);
    expect([regs.rip, regs.rsp, regs.rsi, regs.rflags]).toEqual([0x100000n, 0x8000n, 0x7000n, 2n]);
  });
});
