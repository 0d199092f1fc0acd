import { describe, expect, it } from 'vitest';
import { STRUCT_SIZE } from './kvm-constants';
import {
  CPUID_ENTRY_OFFSET,
  decodeCpuid2,
  decodeMsrs,
  encodeCpuid2,
  encodeMsrs,
} from './kvm-cpuid-msr-structs';
import { KVM_RUN_STRUCT_SIZE, RUN_OFFSET } from './kvm-run';
import {
  decodeRegs,
  decodeSregs,
  emptyRegs,
  encodeIoeventfd,
  encodeIrqfd,
  encodeMemoryRegion,
  encodeRegs,
  encodeSregs,
  REGS_OFFSET,
  SEGMENT_OFFSET,
  SREGS_OFFSET,
} from './kvm-structs';

/**
 * sizeof/offsetof printed by gcc from linux/kvm.h (x86_64) while writing this test; the layouts used
 * over DataView must agree with them.
 */
const GCC = {
  sizeof: {
    kvm_regs: 144,
    kvm_segment: 24,
    kvm_dtable: 16,
    kvm_sregs: 312,
    kvm_run: 2352,
    kvm_userspace_memory_region: 32,
    kvm_cpuid2: 8,
    kvm_cpuid_entry2: 40,
    kvm_msrs: 8,
    kvm_msr_entry: 16,
    kvm_irqfd: 32,
    kvm_ioeventfd: 64,
    kvm_irq_level: 8,
    kvm_pit_config: 64,
    kvm_lapic_state: 1024,
    kvm_fpu: 416,
    kvm_msr_list: 4,
    kvm_signal_mask: 4,
  },
  kvm_regs: { r15: 120, rip: 128, rflags: 136 },
  kvm_segment: {
    selector: 12,
    type: 14,
    present: 15,
    dpl: 16,
    db: 17,
    s: 18,
    l: 19,
    g: 20,
    avl: 21,
    unusable: 22,
  },
  kvm_sregs: {
    cs: 0,
    ds: 24,
    es: 48,
    fs: 72,
    gs: 96,
    ss: 120,
    tr: 144,
    ldt: 168,
    gdt: 192,
    idt: 208,
    cr0: 224,
    cr2: 232,
    cr3: 240,
    cr4: 248,
    cr8: 256,
    efer: 264,
    apic_base: 272,
    interrupt_bitmap: 280,
  },
  kvm_run: {
    request_interrupt_window: 0,
    immediate_exit: 1,
    exit_reason: 8,
    ready_for_interrupt_injection: 12,
    if_flag: 13,
    flags: 14,
    cr8: 16,
    apic_base: 24,
    'io.direction': 32,
    'io.size': 33,
    'io.port': 34,
    'io.count': 36,
    'io.data_offset': 40,
    'mmio.phys_addr': 32,
    'mmio.data': 40,
    'mmio.len': 48,
    'mmio.is_write': 52,
    'fail_entry.hardware_entry_failure_reason': 32,
    'fail_entry.cpu': 40,
    'internal.suberror': 32,
    'internal.ndata': 36,
    'internal.data': 40,
    'system_event.type': 32,
    'system_event.ndata': 36,
    'system_event.data': 40,
    kvm_valid_regs: 288,
    kvm_dirty_regs: 296,
    s: 304,
  },
  kvm_userspace_memory_region: {
    slot: 0,
    flags: 4,
    guest_phys_addr: 8,
    memory_size: 16,
    userspace_addr: 24,
  },
  kvm_cpuid_entry2: { function: 0, index: 4, flags: 8, eax: 12, ebx: 16, ecx: 20, edx: 24 },
  kvm_msr_entry: { index: 0, data: 8 },
  kvm_irqfd: { fd: 0, gsi: 4, flags: 8, resamplefd: 12 },
  kvm_ioeventfd: { datamatch: 0, addr: 8, len: 16, fd: 20, flags: 24 },
} as const;

describe('KVM structure layouts match linux/kvm.h', () => {
  it('sizes', () => {
    expect(STRUCT_SIZE.kvmRegs).toBe(GCC.sizeof.kvm_regs);
    expect(SEGMENT_OFFSET.size).toBe(GCC.sizeof.kvm_segment);
    expect(STRUCT_SIZE.kvmSregs).toBe(GCC.sizeof.kvm_sregs);
    expect(KVM_RUN_STRUCT_SIZE).toBe(GCC.sizeof.kvm_run);
    expect(STRUCT_SIZE.kvmUserspaceMemoryRegion).toBe(GCC.sizeof.kvm_userspace_memory_region);
    expect(STRUCT_SIZE.kvmCpuid2Header).toBe(GCC.sizeof.kvm_cpuid2);
    expect(STRUCT_SIZE.kvmCpuidEntry2).toBe(GCC.sizeof.kvm_cpuid_entry2);
    expect(STRUCT_SIZE.kvmMsrsHeader).toBe(GCC.sizeof.kvm_msrs);
    expect(STRUCT_SIZE.kvmMsrEntry).toBe(GCC.sizeof.kvm_msr_entry);
    expect(STRUCT_SIZE.kvmIrqfd).toBe(GCC.sizeof.kvm_irqfd);
    expect(STRUCT_SIZE.kvmIoeventfd).toBe(GCC.sizeof.kvm_ioeventfd);
    expect(STRUCT_SIZE.kvmIrqLevel).toBe(GCC.sizeof.kvm_irq_level);
    expect(STRUCT_SIZE.kvmPitConfig).toBe(GCC.sizeof.kvm_pit_config);
    expect(STRUCT_SIZE.kvmLapicState).toBe(GCC.sizeof.kvm_lapic_state);
    expect(STRUCT_SIZE.kvmFpu).toBe(GCC.sizeof.kvm_fpu);
    expect(STRUCT_SIZE.kvmMsrListHeader).toBe(GCC.sizeof.kvm_msr_list);
    expect(STRUCT_SIZE.kvmSignalMaskHeader).toBe(GCC.sizeof.kvm_signal_mask);
    expect(encodeRegs(emptyRegs()).length).toBe(GCC.sizeof.kvm_regs);
    expect(encodeIrqfd(0, 0).length).toBe(GCC.sizeof.kvm_irqfd);
    expect(encodeIoeventfd(0n, 0, 0, 0).length).toBe(GCC.sizeof.kvm_ioeventfd);
  });

  it('kvm_regs, kvm_segment and kvm_sregs offsets', () => {
    expect(REGS_OFFSET.r15).toBe(GCC.kvm_regs.r15);
    expect(REGS_OFFSET.rip).toBe(GCC.kvm_regs.rip);
    expect(REGS_OFFSET.rflags).toBe(GCC.kvm_regs.rflags);
    for (const [field, offset] of Object.entries(GCC.kvm_segment)) {
      expect(SEGMENT_OFFSET[field as keyof typeof SEGMENT_OFFSET], field).toBe(offset);
    }
    const { apic_base, interrupt_bitmap, ...rest } = GCC.kvm_sregs;
    for (const [field, offset] of Object.entries(rest)) {
      expect(SREGS_OFFSET[field as keyof typeof SREGS_OFFSET], field).toBe(offset);
    }
    expect(SREGS_OFFSET.apicBase).toBe(apic_base);
    expect(SREGS_OFFSET.interruptBitmap).toBe(interrupt_bitmap);
  });

  it('kvm_run header and exit union offsets', () => {
    const g = GCC.kvm_run;
    expect(RUN_OFFSET.requestInterruptWindow).toBe(g.request_interrupt_window);
    expect(RUN_OFFSET.immediateExit).toBe(g.immediate_exit);
    expect(RUN_OFFSET.exitReason).toBe(g.exit_reason);
    expect(RUN_OFFSET.readyForInterruptInjection).toBe(g.ready_for_interrupt_injection);
    expect(RUN_OFFSET.ifFlag).toBe(g.if_flag);
    expect(RUN_OFFSET.flags).toBe(g.flags);
    expect(RUN_OFFSET.cr8).toBe(g.cr8);
    expect(RUN_OFFSET.apicBase).toBe(g.apic_base);
    expect(RUN_OFFSET.io).toEqual({
      direction: g['io.direction'],
      size: g['io.size'],
      port: g['io.port'],
      count: g['io.count'],
      dataOffset: g['io.data_offset'],
    });
    expect(RUN_OFFSET.mmio).toEqual({
      physAddr: g['mmio.phys_addr'],
      data: g['mmio.data'],
      len: g['mmio.len'],
      isWrite: g['mmio.is_write'],
    });
    expect(RUN_OFFSET.failEntry).toEqual({
      hardwareEntryFailureReason: g['fail_entry.hardware_entry_failure_reason'],
      cpu: g['fail_entry.cpu'],
    });
    expect(RUN_OFFSET.internal).toEqual({
      suberror: g['internal.suberror'],
      ndata: g['internal.ndata'],
      data: g['internal.data'],
    });
    expect(RUN_OFFSET.systemEvent).toEqual({
      type: g['system_event.type'],
      ndata: g['system_event.ndata'],
      data: g['system_event.data'],
    });
    expect(RUN_OFFSET.kvmValidRegs).toBe(g.kvm_valid_regs);
    expect(RUN_OFFSET.kvmDirtyRegs).toBe(g.kvm_dirty_regs);
    expect(RUN_OFFSET.syncRegs).toBe(g.s);
  });

  it('kvm_cpuid_entry2 offsets', () => {
    expect(CPUID_ENTRY_OFFSET).toEqual(GCC.kvm_cpuid_entry2);
  });
});

describe('KVM structure encoders', () => {
  it('round-trips kvm_regs', () => {
    const regs = {
      ...emptyRegs(),
      rax: 1n,
      r15: 0xffff_ffff_ffff_ffffn,
      rip: 0x100000n,
      rflags: 2n,
    };
    const bytes = encodeRegs(regs);
    expect(new DataView(bytes.buffer).getBigUint64(GCC.kvm_regs.rip, true)).toBe(0x100000n);
    expect(decodeRegs(bytes)).toEqual(regs);
  });

  it('round-trips kvm_sregs byte for byte', () => {
    const bytes = new Uint8Array(GCC.sizeof.kvm_sregs);
    // Fill with a pattern, keeping the padding of each dtable (bytes 10..15) zero: it is not modelled.
    bytes.forEach((_, i) => (bytes[i] = (i * 7 + 3) & 0xff));
    for (const dtable of [GCC.kvm_sregs.gdt, GCC.kvm_sregs.idt])
      bytes.fill(0, dtable + 10, dtable + 16);
    for (let seg = 0; seg < 8; seg++) bytes[seg * 24 + 23] = 0; // kvm_segment.padding
    expect(encodeSregs(decodeSregs(bytes))).toEqual(bytes);
  });

  it('places kvm_userspace_memory_region fields at the kernel offsets', () => {
    const bytes = encodeMemoryRegion(3, 0x1_0000_0000n, 0x20_0000n, 0x7f00_1234_5000n, 2);
    const view = new DataView(bytes.buffer);
    const g = GCC.kvm_userspace_memory_region;
    expect(view.getUint32(g.slot, true)).toBe(3);
    expect(view.getUint32(g.flags, true)).toBe(2);
    expect(view.getBigUint64(g.guest_phys_addr, true)).toBe(0x1_0000_0000n);
    expect(view.getBigUint64(g.memory_size, true)).toBe(0x20_0000n);
    expect(view.getBigUint64(g.userspace_addr, true)).toBe(0x7f00_1234_5000n);
  });

  it('places kvm_irqfd and kvm_ioeventfd fields at the kernel offsets', () => {
    const irqfd = new DataView(encodeIrqfd(9, 5, 1).buffer);
    expect([
      irqfd.getUint32(GCC.kvm_irqfd.fd, true),
      irqfd.getUint32(GCC.kvm_irqfd.gsi, true),
      irqfd.getUint32(GCC.kvm_irqfd.flags, true),
    ]).toEqual([9, 5, 1]);
    const ioeventfd = new DataView(encodeIoeventfd(0xd000_0050n, 4, 7, 3, 0xabn).buffer);
    const g = GCC.kvm_ioeventfd;
    expect(ioeventfd.getBigUint64(g.datamatch, true)).toBe(0xabn);
    expect(ioeventfd.getBigUint64(g.addr, true)).toBe(0xd000_0050n);
    expect(ioeventfd.getUint32(g.len, true)).toBe(4);
    expect(ioeventfd.getInt32(g.fd, true)).toBe(7);
    expect(ioeventfd.getUint32(g.flags, true)).toBe(3);
  });

  it('round-trips kvm_cpuid2 and kvm_msrs', () => {
    const entries = [
      {
        function: 1,
        index: 0,
        flags: 0,
        eax: 0x800f12,
        ebx: 0x10800,
        ecx: 0x81202000,
        edx: 0x78bfbff,
      },
      { function: 0x80000001, index: 0, flags: 1, eax: 1, ebx: 2, ecx: 3, edx: 0xffffffff },
    ];
    expect(decodeCpuid2(encodeCpuid2(entries))).toEqual(entries);
    const msrs = [
      { index: 0xc0000080, data: 0x500n },
      { index: 0x10, data: 0xffff_ffff_ffffn },
    ];
    const bytes = encodeMsrs(msrs);
    expect(bytes.length).toBe(GCC.sizeof.kvm_msrs + 2 * GCC.sizeof.kvm_msr_entry);
    expect(
      new DataView(bytes.buffer).getBigUint64(GCC.sizeof.kvm_msrs + GCC.kvm_msr_entry.data, true),
    ).toBe(0x500n);
    expect(decodeMsrs(bytes, 2)).toEqual(msrs);
  });

  it('decodeCpuid2 never reads past the buffer even if nent lies', () => {
    const bytes = encodeCpuid2([
      { function: 0, index: 0, flags: 0, eax: 1, ebx: 2, ecx: 3, edx: 4 },
    ]);
    new DataView(bytes.buffer).setUint32(0, 1000, true);
    expect(decodeCpuid2(bytes)).toHaveLength(1);
  });
});
