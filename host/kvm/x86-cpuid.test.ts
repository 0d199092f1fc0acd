import { describe, expect, it } from 'vitest';
import type { CpuidEntry } from './kvm-cpuid-msr-structs';
import { cpuidForVcpu } from './x86-cpuid';

const leaf = (fn: number, values: Partial<CpuidEntry> = {}): CpuidEntry => ({
  function: fn,
  index: 0,
  flags: 0,
  eax: 0,
  ebx: 0,
  ecx: 0,
  edx: 0,
  ...values,
});

describe('cpuidForVcpu', () => {
  const supported = [
    leaf(0, { eax: 0x1c, ebx: 0x68747541 }),
    leaf(1, { ebx: 0xff00_0800, ecx: 0x0000_8001, edx: 0x078b_fbff }),
    leaf(6, { eax: 4, ecx: 1 }),
    leaf(0xa, { eax: 0x0704_0002 }),
    leaf(0xb, { eax: 1, ebx: 1, ecx: 0x100, edx: 99 }),
  ];
  const [vendor, features, thermal, pmu, topology] = cpuidForVcpu(supported, 3, 4);

  it('advertises the vCPU id, count and the hypervisor bit in leaf 1, and hides PDCM', () => {
    expect((features?.ebx ?? 0) >>> 24).toBe(3);
    expect(((features?.ebx ?? 0) >>> 16) & 0xff).toBe(4);
    expect((features?.ebx ?? 0) & 0xffff).toBe(0x0800); // CLFLUSH size and brand index kept
    expect((features?.ecx ?? 0) >>> 31).toBe(1);
    expect((features?.ecx ?? 0) & (1 << 15)).toBe(0);
    expect((features?.ecx ?? 0) & 1).toBe(1); // other features untouched
    expect(features?.edx).toBe(0x078b_fbff);
  });

  it('zeroes thermal/power and PMU leaves and sets the x2APIC id', () => {
    expect(thermal).toMatchObject({ eax: 0, ebx: 0, ecx: 0, edx: 0 });
    expect(pmu).toMatchObject({ eax: 0, ebx: 0, ecx: 0, edx: 0 });
    expect(topology).toMatchObject({ eax: 1, ecx: 0x100, edx: 3 });
  });

  it('passes other leaves through and does not modify its input', () => {
    expect(vendor).toEqual(supported[0]);
    expect(supported[1]?.ebx).toBe(0xff00_0800);
  });
});
