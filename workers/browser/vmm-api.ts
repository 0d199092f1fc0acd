/**
 * The contract of one VMM worker (one microVM), as the page sees it through Comlink. The page
 * imports this file type-only; `BrowserVmm` implements it inside the worker. Nothing here depends
 * on the browser: the same contract can be served in Node over the same backend.
 *
 * The Firecracker API (`request`) is the only way to configure, start, pause and snapshot a VM;
 * the other methods are files (what API paths name), the serial console, events and inspectors.
 */
import type { PageWalkResult } from '../../core/arch/riscv64/page-walk';
import type { StopReason } from '../common/riscv64/machine-spec';
import type { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { InstanceState } from '../../core/api/types';
import type { JitSettings } from '../common/riscv64/jit-settings';

/** A Firecracker API answer: status and the parsed JSON body (none for 204). */
export interface ApiResponse {
  status: number;
  body?: unknown;
}

export interface StoredFile {
  path: string;
  size: number;
}

/** What happens to the VM, in order. */
export type VmmEvent =
  | { kind: 'state'; state: InstanceState }
  /** The guest wrote the boot timer (userspace is up); microseconds since InstanceStart. */
  | { kind: 'booted'; bootTimeUs: number }
  | {
      kind: 'stopped';
      reason: StopReason;
      /** A sentence for people ("the guest powered off", a fault message). */
      description: string;
      /** The last console lines before the stop, for the UI's post-mortem. */
      lastLines: string[];
    };

/** The machine's live counters (per-hart instret and event counts, exits, PLIC, console). */
export type MachineMetrics = ReturnType<Riscv64Machine['metrics']>;

/** One hart's architectural state (64-bit values as bigint). */
export interface HartSnapshot {
  hart: number;
  pc: bigint;
  /** 0 U, 1 S, 3 M. */
  priv: number;
  /** x0..x31. */
  x: bigint[];
  csrs: Record<string, bigint>;
  instret: bigint;
}

export interface BusEntry {
  name: string;
  base: number;
  size: number;
  /** PLIC source, when the device has an interrupt line. */
  irq?: number;
}

export interface VirtqueueDescriptor {
  index: number;
  addr: bigint;
  len: number;
  flags: number;
  next: number;
}

export interface VirtqueueView {
  device: string;
  queue: number;
  size: number;
  ready: boolean;
  descTable: number;
  availRing: number;
  usedRing: number;
  /** Indices the driver published / the device consumed and returned. */
  availIdx: number;
  usedIdx: number;
  nextAvail: number;
  descriptors: VirtqueueDescriptor[];
}

/** One MMIO exit as the VMM answered it. */
export interface ExitRecord {
  /** Milliseconds since the machine started. */
  atMs: number;
  address: number;
  size: number;
  write: boolean;
  /** The value written, or the value the device returned (little-endian, up to 8 bytes). */
  value: bigint;
  /** The bus device that claimed the access, or undefined when none did (access fault). */
  device: string | undefined;
}

export interface VmmApi {
  /** Store bytes under an API path (kernel_image_path, path_on_host, snapshot paths, …). */
  putFile(path: string, bytes: Uint8Array): Promise<void>;
  listFiles(): Promise<StoredFile[]>;
  /** The current bytes (a disk the guest wrote, a snapshot file); rejects for unknown paths. */
  readFile(path: string): Promise<Uint8Array>;
  deleteFile(path: string): Promise<boolean>;

  /** The Firecracker API, answered exactly as the host daemon answers it over HTTP. */
  request(method: string, path: string, body?: string): Promise<ApiResponse>;

  /** Receive console output (batched); returns what was printed before attaching. */
  attachConsole(onOutput: (bytes: Uint8Array) => void): Promise<Uint8Array>;
  /** Keyboard input for the guest's serial port. */
  sendInput(bytes: Uint8Array): Promise<void>;
  /** Subscribe to VM events; the current state is delivered at once. */
  onEvent(callback: (event: VmmEvent) => void): Promise<void>;

  /**
   * The CPU engine (interpreter, JIT mixed or always) of the machines this worker creates from
   * now on (InstanceStart, snapshot load): not part of the Firecracker API. Rejects bad settings.
   */
  configureJit(settings: JitSettings): Promise<void>;

  /** Live counters; undefined before InstanceStart. */
  metrics(): Promise<MachineMetrics | undefined>;

  readHartState(hart: number): Promise<HartSnapshot>;
  busMap(): Promise<BusEntry[]>;
  deviceTree(): Promise<Uint8Array>;
  virtqueue(slot: number, queue: number): Promise<VirtqueueView>;
  /** Guest-physical address of `va` for a load in the hart's current mode; null if it faults. */
  translate(hart: number, va: bigint): Promise<bigint | null>;
  /** The read-only page walk behind `translate`, level by level (for the Inspector). */
  pageWalk(hart: number, va: bigint): Promise<PageWalkResult>;
  /** Start (or stop) recording MMIO exits; recording costs a little per exit. */
  recordExits(on: boolean): Promise<void>;
  /** The most recent exits, oldest first (at most 256). */
  recentExits(): Promise<ExitRecord[]>;

  /**
   * Connect the running VM's network interface `ifaceId` to a MessagePort carrying Ethernet
   * frames as Uint8Array messages (the page's virtual switch; see net-port-link.ts).
   */
  connectNet(ifaceId: string, port: MessagePort): Promise<void>;

  /** End the VM now (the worker stays; another VM needs a new worker). */
  kill(): Promise<void>;
}
