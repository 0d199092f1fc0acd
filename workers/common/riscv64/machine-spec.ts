/** What a riscv64 machine is made of, and how it reaches the world it runs in. */
import type { BlockBackend } from '../../../core/devices/virtio/blk/backend';
import type { RandomSource } from '../../../core/devices/virtio/rng/device';
import type { MmdsConfig } from '../../../core/mmds/config';
import type { MmdsStore } from '../../../core/mmds/store';
import type { Scheduler } from '../../../core/time/clock';
import type { RateLimiterConfig } from '../../../core/rate-limiter';
import type { VcpuEvent, VcpuInit } from './vcpu-runtime';
import type { JitSettings } from './jit-settings';

export interface DriveSpec {
  id: string;
  backend: BlockBackend;
  /** Firecracker's token buckets (bandwidth, ops); none means unlimited until a PATCH sets them. */
  rateLimiter?: RateLimiterConfig;
}

export interface NetSpec {
  /** iface_id of the API. */
  id: string;
  /** 6 bytes; locally administered when derived. */
  mac: Uint8Array;
  rxRateLimiter?: RateLimiterConfig;
  txRateLimiter?: RateLimiterConfig;
}

/** A machine's spec without its boot images (what a running machine keeps). */
export type MachineShape = Omit<MachineSpec, 'kernel' | 'initrd'>;

export interface MachineSpec {
  /** 1..8 harts. */
  vcpus: number;
  memMib: number;
  /** Kernel command line (the boot-timer argument is appended when bootTimer is on). */
  cmdline: string;
  /** Uncompressed RISC-V Linux `Image`. */
  kernel: Uint8Array;
  initrd?: Uint8Array;
  drives?: DriveSpec[];
  /** virtio-net devices; the environment connects their backends (switch, tap) after creation. */
  nets?: NetSpec[];
  /** Attach a virtio-rng device. */
  entropy?: boolean;
  bootTimer?: boolean;
  /** The MMDS answers the guest on the interfaces `config` lists (the store is shared with the API). */
  mmds?: { store: MmdsStore; config: MmdsConfig };
  /** Interpreter only (default) or with the JIT; an engine setting, not guest-visible. */
  jit?: JitSettings;
}

/** A vCPU thread as the machine sees it (a browser Worker or a Node worker_thread). */
export interface VcpuThread {
  terminate(): void;
}

/** The environment-specific parts, injected by the browser VMM worker or the Node host. */
export interface MachinePorts {
  /** The compiled CPU (cpu/build/rv64.wasm); shared by every vCPU thread. */
  cpuModule: WebAssembly.Module;
  /** Host wall clock in ms, the same in every thread (performance.timeOrigin + performance.now()). */
  hostNow: () => number;
  scheduler: Scheduler;
  launchVcpu: (init: VcpuInit, onEvent: (event: VcpuEvent) => void) => VcpuThread;
  random?: RandomSource;
  log?: (line: string) => void;
}

export type StopReason =
  | { kind: 'poweroff' }
  | { kind: 'reboot' }
  | { kind: 'fault'; message: string }
  | { kind: 'killed'; message: string };

export type MachineState = 'created' | 'running' | 'paused' | 'stopped';
