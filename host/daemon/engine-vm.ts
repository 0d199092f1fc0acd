/**
 * What the daemon needs from an execution engine for one microVM: a `VmmBackend` for the API
 * controller, a console that outlives machine restarts (boot, snapshot restore), counters for the
 * metrics file, and a way to learn that the guest stopped. The WASM engine (riscv64) implements it
 * in `host/engine/wasm/wasm-vm.ts`; a KVM engine (x86_64) plugs in through `engine-choice.ts`.
 */
import type { VmmBackend } from '../../core/api/backend';
import type { ArchLimits, LoggerConfig, MetricsConfig } from '../../core/api/types';
import type { ConsoleStream } from '../../core/console/console-stream';
import type { MmdsStore } from '../../core/mmds/store';
import type { Severity } from './logger';

export type EngineKind = 'wasm' | 'kvm';

export interface EngineVmHooks {
  log(severity: Severity, message: string): void;
  configureLogger(config: LoggerConfig): void;
  configureMetrics(config: MetricsConfig): void;
  /** `FlushMetrics`: the daemon writes its complete metrics line now. */
  flushMetrics(): void;
  /** The guest powered off, rebooted or faulted; `clean` is false for a fault. */
  onStop(description: string, clean: boolean): void;
  bootTimer: boolean;
}

export interface EngineVm {
  readonly engine: EngineKind;
  readonly limits: ArchLimits;
  readonly backend: VmmBackend;
  /** The MMDS store the guest reads over its network interfaces; the API controller writes it. */
  readonly mmds?: MmdsStore;
  /** Serial console: output from whichever machine is current; input to it. */
  readonly console: ConsoleStream;
  /** Metrics groups for the metrics line (`vmm`, `uart`, `block_<id>`, ...); empty before boot. */
  metricsGroups(): Record<string, unknown>;
  /** Why the guest stopped, once it has. */
  stopReason(): string | undefined;
  /** vCPUs and memory of the running machine (for listings). */
  shape(): { vcpus: number; memMib: number } | undefined;
  /** Optional warm-up once the API socket listens (e.g. loading the engine's modules). */
  prepare?(): void;
  /** Ends the machine (daemon shutdown, VM removal). */
  destroy(): void;
}

export type EngineVmFactory = (hooks: EngineVmHooks) => EngineVm;
