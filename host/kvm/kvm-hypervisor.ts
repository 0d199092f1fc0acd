/**
 * The KVM engine behind the `Hypervisor` seam. `probe()` is available when /dev/kvm can run guests at
 * all (including kvm_pvm, which runs our own small guests); whether an unmodified Linux kernel can run
 * is the engine choice made by `host/engine/probe.ts`.
 */
import type { EngineProbe, Hypervisor, VmConfig } from '../engine/engine';
import { decideEngine, gatherHostFacts } from '../engine/probe';
import { KvmSystem } from './kvm-system';
import { KvmVm } from './vm';

export class KvmHypervisor implements Hypervisor {
  readonly kind = 'kvm';
  private system: KvmSystem | undefined;

  probe(): Promise<EngineProbe> {
    const decision = decideEngine(gatherHostFacts());
    return Promise.resolve({
      available: decision.kvmUsableForSmallGuests,
      reason: decision.reason,
    });
  }

  /** The shared /dev/kvm fd, opened on first use. */
  kvm(): KvmSystem {
    this.system ??= KvmSystem.open();
    return this.system;
  }

  createVm(config: VmConfig): KvmVm {
    return KvmVm.create(this.kvm(), config);
  }

  close(): void {
    this.system?.close();
    this.system = undefined;
  }
}
