import { afterAll, describe, expect, it } from 'vitest';
import type { VmExit } from '../engine/engine';
import { readTestGuest, TEST_GUESTS } from '../test-guests/test-guests';
import { kvmUnavailableReason } from './kvm-availability';
import { KvmHypervisor } from './kvm-hypervisor';
import { regsForEntry, sregsForMode } from './x86-boot-state';

const unavailable = kvmUnavailableReason();
if (unavailable) console.log(`skipping the KVM engine seam test: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('KVM behind the engine seam', () => {
  const hypervisor = new KvmHypervisor();
  afterAll(() => hypervisor.close());

  it('probes as available on this host', async () => {
    const probe = await hypervisor.probe();
    console.log(`KVM probe: ${JSON.stringify(probe)}`);
    expect(probe.available).toBe(true);
    expect(probe.reason).toMatch(/\/dev\/kvm/);
  });

  it('runs a guest on the calling thread through Vm.addMemory / createVcpu / Vcpu.run', () => {
    const vm = hypervisor.createVm({ name: 'seam' });
    try {
      const ram = vm.addMemory(0, 64 * 1024);
      expect(ram.bytes.length).toBe(64 * 1024);
      expect(() => vm.addMemory(0x8000, 0x1000)).toThrow(/overlaps/);
      expect(() => vm.addMemory(0x10800, 0x1000)).toThrow(/page-aligned/);
      const guest = TEST_GUESTS.realModeHello;
      ram.bytes.set(readTestGuest('realModeHello'), guest.loadAddress);
      const vcpu = vm.createVcpu(0);
      vcpu.setSregs(sregsForMode('real', vcpu.getSregs()));
      vcpu.setRegs(regsForEntry(guest.loadAddress, 0x8000));

      let output = '';
      let exit: VmExit;
      for (;;) {
        exit = vcpu.run();
        if (exit.kind !== 'io-out') break;
        expect(exit.port).toBe(0x3f8);
        output += String.fromCharCode(...exit.data);
      }
      expect(exit.kind).toBe('hlt');
      expect(output).toBe('hello from real mode\n');
      // Guest RAM written by the host is what the guest ran, and the guest's view is shared too:
      expect(ram.bytes[guest.loadAddress]).toBe(readTestGuest('realModeHello')[0]);
    } finally {
      vm.close();
    }
  });
});
