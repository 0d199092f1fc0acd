import { describe, expect, it } from 'vitest';
import { KVM_IOCTL } from './kvm-constants';

/**
 * Printed by gcc from linux/kvm.h on the development machine (Debian 12, x86_64) with
 * `printf("%lx", (unsigned long)KVM_...)`; the computed _IOC encodings must match them exactly.
 */
const FROM_LINUX_KVM_H: Record<keyof typeof KVM_IOCTL, number> = {
  GET_API_VERSION: 0xae00,
  CREATE_VM: 0xae01,
  GET_MSR_INDEX_LIST: 0xc004ae02,
  CHECK_EXTENSION: 0xae03,
  GET_VCPU_MMAP_SIZE: 0xae04,
  GET_SUPPORTED_CPUID: 0xc008ae05,
  CREATE_VCPU: 0xae41,
  SET_USER_MEMORY_REGION: 0x4020ae46,
  SET_TSS_ADDR: 0xae47,
  SET_IDENTITY_MAP_ADDR: 0x4008ae48,
  CREATE_IRQCHIP: 0xae60,
  IRQ_LINE: 0x4008ae61,
  IRQFD: 0x4020ae76,
  CREATE_PIT2: 0x4040ae77,
  IOEVENTFD: 0x4040ae79,
  RUN: 0xae80,
  GET_REGS: 0x8090ae81,
  SET_REGS: 0x4090ae82,
  GET_SREGS: 0x8138ae83,
  SET_SREGS: 0x4138ae84,
  GET_MSRS: 0xc008ae88,
  SET_MSRS: 0x4008ae89,
  SET_SIGNAL_MASK: 0x4004ae8b,
  GET_FPU: 0x81a0ae8c,
  SET_FPU: 0x41a0ae8d,
  GET_LAPIC: 0x8400ae8e,
  SET_LAPIC: 0x4400ae8f,
  SET_CPUID2: 0x4008ae90,
};

describe('KVM ioctl request numbers', () => {
  for (const [name, expected] of Object.entries(FROM_LINUX_KVM_H)) {
    it(`KVM_${name} = 0x${expected.toString(16)}`, () => {
      expect(KVM_IOCTL[name as keyof typeof KVM_IOCTL]).toBe(expected);
    });
  }

  it('are unsigned 32-bit values (read/write direction bits set bit 31)', () => {
    for (const value of Object.values(KVM_IOCTL)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    }
  });
});
