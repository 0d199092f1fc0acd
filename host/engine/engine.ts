/**
 * The seam between the VMM and its execution engines (cloud-hypervisor style): the KVM backend
 * (`host/kvm/`) and the riscv64 WASM engine both implement `Hypervisor` → `Vm` → `Vcpu.run() → VmExit`.
 * Nothing here names an architecture-specific register or ioctl; those stay inside each engine.
 */

/** Why an engine is (not) usable on this machine. */
export interface EngineProbe {
  readonly available: boolean;
  readonly reason: string;
}

export interface VmConfig {
  /** Shown in stop reasons and logs. */
  readonly name: string;
}

/** A slot of guest RAM and the host bytes backing it (the region the core GuestMemory wraps). */
export interface GuestRamRegion {
  readonly slot: number;
  readonly guestAddress: number;
  /** Host view of the slot; writes are seen by the guest at once. */
  readonly bytes: Uint8Array;
}

/**
 * One exit from `Vcpu.run()`. For reads (`io-in`, `mmio-read`) the handler fills `data`; the value is
 * handed to the guest by the next `run()`. `data.length` is the access size (× count for string I/O).
 * Guest-physical addresses are plain numbers: they stay below 2^52 on every supported machine.
 */
export type VmExit =
  | {
      readonly kind: 'io-out';
      readonly port: number;
      readonly size: number;
      readonly count: number;
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'io-in';
      readonly port: number;
      readonly size: number;
      readonly count: number;
      readonly data: Uint8Array;
    }
  | { readonly kind: 'mmio-read'; readonly address: number; readonly data: Uint8Array }
  | { readonly kind: 'mmio-write'; readonly address: number; readonly data: Uint8Array }
  | { readonly kind: 'hlt' }
  /** Triple fault (x86) or an equivalent reset request from the CPU itself. */
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'fail-entry'; readonly hardwareReason: bigint; readonly cpu: number }
  | { readonly kind: 'internal-error'; readonly suberror: number; readonly data: readonly bigint[] }
  | { readonly kind: 'system-event'; readonly type: number; readonly data: readonly bigint[] }
  /** run() returned because it was kicked (signal / immediate_exit) rather than by the guest. */
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'unknown'; readonly reason: number };

export type VmExitKind = VmExit['kind'];

export interface Vcpu {
  readonly id: number;
  /** Runs the guest until the next exit. Blocks the calling thread (run one vCPU per thread). */
  run(): VmExit;
  close(): void;
}

export interface Vm {
  readonly config: VmConfig;
  /** Maps `size` bytes of fresh zeroed RAM at `guestAddress`. */
  addMemory(guestAddress: number, size: number): GuestRamRegion;
  createVcpu(id: number): Vcpu;
  close(): void;
}

export interface Hypervisor {
  readonly kind: 'kvm' | 'wasm';
  probe(): Promise<EngineProbe>;
  createVm(config: VmConfig): Vm;
}

/**
 * How a vCPU's exit handler reaches the devices (cloud-hypervisor's VmOps): each call returns false
 * when nothing is mapped at that address, so the caller can stop the VM with a clear reason.
 */
export interface DeviceAccess {
  pioRead(port: number, data: Uint8Array): boolean;
  pioWrite(port: number, data: Uint8Array): boolean;
  mmioRead(address: number, data: Uint8Array): boolean;
  mmioWrite(address: number, data: Uint8Array): boolean;
}
