/**
 * The Firecracker API's runtime side for the riscv64 machine, shared by the browser VMM worker
 * (Comlink) and the host daemon's WASM engine (HTTP). core/api's controller validates requests and
 * enforces pre-boot/running rules; this backend carries them out on a Riscv64Machine.
 */
import type { VmmBackend } from '../../../core/api/backend';
import type {
  BalloonStats,
  LoggerConfig,
  MetricsConfig,
  PartialDrive,
  PartialNetworkInterface,
  SnapshotCreateParams,
  SnapshotLoadParams,
  VmConfig,
} from '../../../core/api/types';
import { MmdsStore } from '../../../core/mmds/store';
import type { FileStore } from './file-store';
import type { MachineSpec } from './machine-spec';
import type { JitSettings } from './jit-settings';
import { specFromConfig } from './spec-from-config';
import { Riscv64Machine, MachineError } from './riscv64-machine';
import { decodeMachineSnapshot, encodeMachineSnapshot } from './machine-snapshot';

export interface Riscv64VmmEnvironment {
  files: FileStore;
  /** Binds a spec to this environment's threads and clock. */
  createMachine(spec: MachineSpec): Riscv64Machine;
  /** A machine came to life (booted or restored): attach consoles, stats, stop handling. */
  onMachine?(machine: Riscv64Machine): void;
  /** Logger and metrics destinations chosen through the API (PUT /logger, PUT /metrics). */
  configureLogger?(config: LoggerConfig): void;
  configureMetrics?(config: MetricsConfig): void;
  /** A metrics line to write now (PUT /actions FlushMetrics). */
  writeMetrics?(line: string): void;
  bootTimer?: boolean;
  /** The API's MMDS store (VmmController's `mmds`), which the guest then reads over the network. */
  mmds?: MmdsStore;
  /** The CPU engine for the next machine (read at InstanceStart and snapshot load). */
  jit?: () => JitSettings | undefined;
}

export class Riscv64VmmBackend implements VmmBackend {
  machine: Riscv64Machine | undefined;
  /** The configuration the running machine was built from (saved in snapshots). */
  private config: VmConfig | undefined;
  /** Shared with the guest's MMDS network stacks: API updates are visible at once. */
  readonly mmds: MmdsStore;

  constructor(private readonly env: Riscv64VmmEnvironment) {
    this.mmds = env.mmds ?? new MmdsStore();
  }

  private current(): Riscv64Machine {
    if (!this.machine) throw new MachineError('the microVM is not running');
    return this.machine;
  }

  private specOptions() {
    const jit = this.env.jit?.();
    return { bootTimer: this.env.bootTimer ?? true, ...(jit ? { jit } : {}), mmds: this.mmds };
  }

  async start(config: VmConfig): Promise<void> {
    const spec = await specFromConfig(config, this.env.files, this.specOptions());
    const machine = this.env.createMachine(spec);
    this.machine = machine;
    this.config = config;
    this.env.onMachine?.(machine);
    machine.start();
  }

  async pause(): Promise<void> {
    await this.current().pause();
  }

  resume(): void {
    this.current().resume();
  }

  sendCtrlAltDel(): void {
    throw new MachineError(
      'SendCtrlAltDel is an x86_64 action (i8042); the riscv64 machine has no keyboard controller',
    );
  }

  flushMetrics(): void {
    const line = JSON.stringify({
      utc_timestamp_ms: Date.now(),
      vmm: this.machine?.metrics() ?? {},
    });
    this.env.writeMetrics?.(line);
  }

  async createSnapshot(params: SnapshotCreateParams): Promise<void> {
    if (params.snapshot_type === 'Diff') {
      throw new MachineError(
        'Diff snapshots are not supported by the riscv64 machine: use snapshot_type Full',
      );
    }
    const { state, memory } = encodeMachineSnapshot(this.current(), this.config!);
    await this.env.files.write(params.mem_file_path, memory);
    await this.env.files.write(params.snapshot_path, state);
  }

  async loadSnapshot(params: SnapshotLoadParams): Promise<VmConfig | undefined> {
    if (params.mem_backend.backend_type !== 'File') {
      throw new MachineError('only File memory backends are supported (no userfaultfd here)');
    }
    const state = await this.env.files.read(params.snapshot_path);
    const memory = await this.env.files.read(params.mem_backend.backend_path);
    const restored = decodeMachineSnapshot(state, memory);
    const spec = await specFromConfig(restored.config, this.env.files, this.specOptions());
    const machine = this.env.createMachine(spec);
    restored.apply(machine);
    this.machine = machine;
    this.config = restored.config;
    this.env.onMachine?.(machine);
    machine.start(); // restored machines start paused; the controller resumes if asked
    return restored.config;
  }

  updateDrive(update: PartialDrive): void {
    if (update.path_on_host !== undefined) {
      throw new MachineError(
        `swapping the file behind drive ${update.drive_id} after boot is not supported by the riscv64 machine`,
      );
    }
    if (update.rate_limiter)
      this.current().updateRateLimiter('drive', update.drive_id, update.rate_limiter);
  }

  updateNetworkInterface(update: PartialNetworkInterface): void {
    const machine = this.current();
    if (update.rx_rate_limiter)
      machine.updateRateLimiter('net-rx', update.iface_id, update.rx_rate_limiter);
    if (update.tx_rate_limiter)
      machine.updateRateLimiter('net-tx', update.iface_id, update.tx_rate_limiter);
  }

  updateBalloon(): void {
    throw new MachineError('no balloon device is configured');
  }

  updateBalloonStatistics(): void {
    throw new MachineError('no balloon device is configured');
  }

  getBalloonStatistics(): BalloonStats {
    throw new MachineError('no balloon device is configured');
  }

  configureLogger(config: LoggerConfig): void {
    this.env.configureLogger?.(config);
  }

  configureMetrics(config: MetricsConfig): void {
    this.env.configureMetrics?.(config);
  }
}
