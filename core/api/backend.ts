import type {
  BalloonStats,
  BalloonStatsUpdate,
  BalloonUpdate,
  LoggerConfig,
  MetricsConfig,
  PartialDrive,
  PartialNetworkInterface,
  SnapshotCreateParams,
  SnapshotLoadParams,
  VmConfig,
} from './types';

type MaybePromise<T> = T | Promise<T>;

/**
 * What the controller needs from a machine: the browser machine (WASM RISC-V) and the host daemon
 * (KVM or WASM in worker_threads) each implement it. Every input is already validated and allowed
 * in the current state; a method that fails throws (or rejects) with a message for the user,
 * which the controller returns as a 400 fault.
 */
export interface VmmBackend {
  /** Builds and boots the microVM from the complete pre-boot configuration. */
  start(config: VmConfig): MaybePromise<void>;
  pause(): MaybePromise<void>;
  resume(): MaybePromise<void>;
  /** x86_64 only (i8042): asks the guest to reboot. */
  sendCtrlAltDel(): MaybePromise<void>;
  /** Writes one metrics line now. */
  flushMetrics(): MaybePromise<void>;
  /** Called only while paused. */
  createSnapshot(params: SnapshotCreateParams): MaybePromise<void>;
  /** Restores a microVM (left paused; the controller resumes it if asked). Returns the
   *  configuration the snapshot was taken with, so `GET /vm/config` reflects it. */
  loadSnapshot(params: SnapshotLoadParams): MaybePromise<VmConfig | undefined>;
  updateDrive(update: PartialDrive): MaybePromise<void>;
  updateNetworkInterface(update: PartialNetworkInterface): MaybePromise<void>;
  updateBalloon(update: BalloonUpdate): MaybePromise<void>;
  updateBalloonStatistics(update: BalloonStatsUpdate): MaybePromise<void>;
  getBalloonStatistics(): MaybePromise<BalloonStats>;
  /** Pre-boot: where log lines go from now on. */
  configureLogger(config: LoggerConfig): MaybePromise<void>;
  /** Pre-boot: where metrics lines go from now on. */
  configureMetrics(config: MetricsConfig): MaybePromise<void>;
}
