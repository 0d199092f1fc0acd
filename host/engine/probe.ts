/**
 * Which engine this machine should use for x86_64/riscv64 guests:
 *  - `kvm` when /dev/kvm opens, speaks API 12, has the capabilities a microVM needs, and the CPU has
 *    hardware virtualisation (vmx/svm in /proc/cpuinfo) — then an unmodified x86_64 Linux runs;
 *  - `wasm` otherwise, with the reason. kvm_pvm (page-table-based nested virtualisation, detected by
 *    /sys/module/kvm_pvm) is reported explicitly: it runs small guests but not an unmodified kernel.
 *
 * The facts are gathered by `gatherHostFacts` and judged by the pure `decideEngine`, so the decision
 * is unit-tested without touching the machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { KVM_CAP } from '../kvm/kvm-constants';
import { KvmSystem, KVM_DEVICE_PATH } from '../kvm/kvm-system';

export interface HostFacts {
  /** Hardware virtualisation flags found in /proc/cpuinfo ('vmx', 'svm'). */
  readonly cpuVirtFlags: readonly string[];
  /** /sys/module/kvm_pvm exists. */
  readonly pvmLoaded: boolean;
  /** Why /dev/kvm could not be used, or undefined if it opened and answered API 12. */
  readonly kvmError: string | undefined;
  /** Required capabilities KVM_CHECK_EXTENSION reported absent. */
  readonly missingCapabilities: readonly string[];
}

export interface EngineDecision {
  readonly engine: 'kvm' | 'wasm';
  readonly reason: string;
  /** /dev/kvm works for small guests (possibly PVM) even when the decision is `wasm`. */
  readonly kvmUsableForSmallGuests: boolean;
}

/** What the VMM relies on: memory slots, in-kernel irqchip + PIT, irqfd/ioeventfd, kicks. */
export const REQUIRED_CAPABILITIES = [
  'USER_MEMORY',
  'SET_TSS_ADDR',
  'EXT_CPUID',
  'IRQCHIP',
  'PIT2',
  'IRQFD',
  'IOEVENTFD',
  'IMMEDIATE_EXIT',
] as const satisfies readonly (keyof typeof KVM_CAP)[];

export function cpuVirtFlagsOf(cpuinfo: string): string[] {
  const flagsLine = cpuinfo.split('\n').find((line) => line.startsWith('flags'));
  const flags = new Set((flagsLine?.split(':')[1] ?? '').trim().split(/\s+/));
  return ['vmx', 'svm'].filter((flag) => flags.has(flag));
}

export function gatherHostFacts(): HostFacts {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux, or /proc hidden: no virtualisation flags to report.
  }
  let kvmError: string | undefined;
  const missingCapabilities: string[] = [];
  try {
    const system = KvmSystem.open(KVM_DEVICE_PATH);
    try {
      for (const name of REQUIRED_CAPABILITIES) {
        if (system.checkExtension(KVM_CAP[name]) <= 0) missingCapabilities.push(name);
      }
    } finally {
      system.close();
    }
  } catch (error) {
    kvmError = (error as Error).message;
  }
  return {
    cpuVirtFlags: cpuVirtFlagsOf(cpuinfo),
    pvmLoaded: existsSync('/sys/module/kvm_pvm'),
    kvmError,
    missingCapabilities,
  };
}

export function decideEngine(facts: HostFacts): EngineDecision {
  if (facts.kvmError !== undefined) {
    return {
      engine: 'wasm',
      reason: `${KVM_DEVICE_PATH} unusable: ${facts.kvmError}`,
      kvmUsableForSmallGuests: false,
    };
  }
  if (facts.missingCapabilities.length > 0) {
    return {
      engine: 'wasm',
      reason: `${KVM_DEVICE_PATH} lacks ${facts.missingCapabilities.join(', ')}`,
      kvmUsableForSmallGuests: false,
    };
  }
  if (facts.cpuVirtFlags.length === 0) {
    const what = facts.pvmLoaded ? 'is kvm_pvm (no vmx/svm)' : 'works but the CPU shows no vmx/svm';
    return {
      engine: 'wasm',
      reason: `${KVM_DEVICE_PATH} ${what}: it runs small guests but not an unmodified Linux kernel`,
      kvmUsableForSmallGuests: true,
    };
  }
  return {
    engine: 'kvm',
    reason: `${KVM_DEVICE_PATH} with hardware virtualisation (${facts.cpuVirtFlags.join(', ')})`,
    kvmUsableForSmallGuests: true,
  };
}

export function probeEngine(): EngineDecision {
  return decideEngine(gatherHostFacts());
}
