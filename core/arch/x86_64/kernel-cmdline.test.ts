import { describe, expect, it } from 'vitest';
import { DEFAULT_X86_64_CMDLINE, linuxCmdline, virtioMmioDeviceArg } from './kernel-cmdline';
import { MAX_VIRTIO_SLOTS, virtioSlot } from './memory-map';

describe('x86_64 kernel command line', () => {
  it('announces each virtio-mmio slot as size@base:irq', () => {
    expect(virtioMmioDeviceArg(virtioSlot(0))).toBe('virtio_mmio.device=4K@0xd0001000:5');
    expect(virtioMmioDeviceArg(virtioSlot(2))).toBe('virtio_mmio.device=4K@0xd0003000:7');
    expect(virtioMmioDeviceArg({ base: 0x1000, size: 100, irq: 9 })).toBe(
      'virtio_mmio.device=100@0x1000:9',
    );
  });

  it('appends the devices to the boot args, or to the Firecracker-like default', () => {
    expect(linuxCmdline('console=ttyS0 quiet ', [virtioSlot(0), virtioSlot(1)])).toBe(
      'console=ttyS0 quiet virtio_mmio.device=4K@0xd0001000:5 virtio_mmio.device=4K@0xd0002000:6',
    );
    const fallback = linuxCmdline(undefined, []);
    expect(fallback).toBe(DEFAULT_X86_64_CMDLINE);
    for (const word of ['console=ttyS0', 'reboot=k', 'panic=1', 'pci=off', 'nomodules'])
      expect(fallback.split(' ')).toContain(word);
  });

  it('has room for 19 slots on IRQs 5..23 and no more', () => {
    expect(virtioSlot(MAX_VIRTIO_SLOTS - 1).irq).toBe(23);
    expect(() => virtioSlot(MAX_VIRTIO_SLOTS)).toThrow(RangeError);
  });
});
