/**
 * MSRs every vCPU starts with: the syscall/sysenter entry points cleared (a fresh CPU has them zero but
 * KVM may carry host-ish defaults), TSC at 0, and IA32_MISC_ENABLE with fast-strings on (what firmware
 * leaves for a Linux guest).
 */
import type { MsrEntry } from './kvm-cpuid-msr-structs';

export const MSR = {
  TSC: 0x10,
  SYSENTER_CS: 0x174,
  SYSENTER_ESP: 0x175,
  SYSENTER_EIP: 0x176,
  MISC_ENABLE: 0x1a0,
  EFER: 0xc0000080,
  STAR: 0xc0000081,
  LSTAR: 0xc0000082,
  CSTAR: 0xc0000083,
  SFMASK: 0xc0000084,
  KERNEL_GS_BASE: 0xc0000102,
} as const;

const MISC_ENABLE_FAST_STRING = 1n;

export function bootMsrs(): MsrEntry[] {
  return [
    { index: MSR.SYSENTER_CS, data: 0n },
    { index: MSR.SYSENTER_ESP, data: 0n },
    { index: MSR.SYSENTER_EIP, data: 0n },
    { index: MSR.STAR, data: 0n },
    { index: MSR.LSTAR, data: 0n },
    { index: MSR.CSTAR, data: 0n },
    { index: MSR.SFMASK, data: 0n },
    { index: MSR.KERNEL_GS_BASE, data: 0n },
    { index: MSR.TSC, data: 0n },
    { index: MSR.MISC_ENABLE, data: MISC_ENABLE_FAST_STRING },
  ];
}
