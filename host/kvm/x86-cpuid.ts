/**
 * The CPUID a vCPU gets: KVM_GET_SUPPORTED_CPUID (what KVM and the host can virtualise), adjusted so the
 * guest sees a consistent, honest machine:
 *  - leaf 0x1: initial APIC id (EBX[31:24]) = vCPU id; CLFLUSH line size kept; logical-processor
 *    count (EBX[23:16]) = vCPU count; ECX bit 31 "hypervisor" set (we are one); ECX bit 15 PDCM cleared
 *    (no PERF_CAPABILITIES MSR is emulated for the guest).
 *  - leaf 0x6 (thermal and power management): zeroed, no such MSRs are offered.
 *  - leaf 0xa (architectural PMU): zeroed, no PMU is offered to microVM guests.
 *  - leaves 0xb / 0x1f (x2APIC topology): EDX = x2APIC id = vCPU id.
 * Everything else passes through unchanged; KVM already hides what it cannot virtualise.
 */
import type { CpuidEntry } from './kvm-cpuid-msr-structs';

const LEAF_FEATURES = 0x1;
const LEAF_THERMAL_POWER = 0x6;
const LEAF_PMU = 0xa;
const LEAF_TOPOLOGY = 0xb;
const LEAF_TOPOLOGY_V2 = 0x1f;
const ECX_HYPERVISOR = 1 << 31;
const ECX_PDCM = 1 << 15;

export function cpuidForVcpu(
  supported: readonly CpuidEntry[],
  vcpuId: number,
  vcpuCount: number,
): CpuidEntry[] {
  return supported.map((original) => {
    const entry = { ...original };
    switch (entry.function) {
      case LEAF_FEATURES:
        entry.ebx =
          ((entry.ebx & 0x0000ffff) | ((vcpuCount & 0xff) << 16) | ((vcpuId & 0xff) << 24)) >>> 0;
        entry.ecx = ((entry.ecx | ECX_HYPERVISOR) & ~ECX_PDCM) >>> 0;
        break;
      case LEAF_THERMAL_POWER:
      case LEAF_PMU:
        entry.eax = entry.ebx = entry.ecx = entry.edx = 0;
        break;
      case LEAF_TOPOLOGY:
      case LEAF_TOPOLOGY_V2:
        entry.edx = vcpuId >>> 0;
        break;
    }
    return entry;
  });
}
