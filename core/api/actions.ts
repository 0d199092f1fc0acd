import type { JsonValue } from '../mmds/json';
import type {
  BalloonConfig,
  BalloonStatsUpdate,
  BalloonUpdate,
  BootSourceConfig,
  DriveConfig,
  EntropyConfig,
  LoggerConfig,
  MachineConfig,
  MachineConfigUpdate,
  MetricsConfig,
  MmdsConfig,
  NetworkInterfaceConfig,
  PartialDrive,
  PartialNetworkInterface,
  SnapshotCreateParams,
  SnapshotLoadParams,
  VsockConfig,
} from './types';

/**
 * Every API request as one typed union (Firecracker's `VmmAction`). Transports (HTTP in the host
 * daemon, Comlink in the browser) only produce these; `VmmController.handle` decides the rest.
 */
export type VmmAction =
  | { type: 'GetInstanceInfo' }
  | { type: 'GetVersion' }
  | { type: 'GetFullVmConfig' }
  | { type: 'GetMachineConfig' }
  | { type: 'GetBalloonConfig' }
  | { type: 'GetBalloonStats' }
  | { type: 'GetMmds' }
  | { type: 'ConfigureBootSource'; config: BootSourceConfig }
  | { type: 'PutMachineConfig'; config: MachineConfig }
  | { type: 'PatchMachineConfig'; update: MachineConfigUpdate }
  | { type: 'InsertDrive'; config: DriveConfig }
  | { type: 'UpdateDrive'; update: PartialDrive }
  | { type: 'InsertNetworkInterface'; config: NetworkInterfaceConfig }
  | { type: 'UpdateNetworkInterface'; update: PartialNetworkInterface }
  | { type: 'SetVsock'; config: VsockConfig }
  | { type: 'SetEntropy'; config: EntropyConfig }
  | { type: 'SetBalloon'; config: BalloonConfig }
  | { type: 'UpdateBalloon'; update: BalloonUpdate }
  | { type: 'UpdateBalloonStatistics'; update: BalloonStatsUpdate }
  | { type: 'ConfigureLogger'; config: LoggerConfig }
  | { type: 'ConfigureMetrics'; config: MetricsConfig }
  | { type: 'PutMmds'; data: JsonValue }
  | { type: 'PatchMmds'; patch: JsonValue }
  | { type: 'SetMmdsConfig'; config: MmdsConfig }
  | { type: 'InstanceStart' }
  | { type: 'SendCtrlAltDel' }
  | { type: 'FlushMetrics' }
  | { type: 'Pause' }
  | { type: 'Resume' }
  | { type: 'CreateSnapshot'; params: SnapshotCreateParams }
  | { type: 'LoadSnapshot'; params: SnapshotLoadParams };

export type VmmActionType = VmmAction['type'];

/** Allowed only before InstanceStart / LoadSnapshot. */
export const PRE_BOOT_ONLY: ReadonlySet<VmmActionType> = new Set<VmmActionType>([
  'ConfigureBootSource',
  'PutMachineConfig',
  'PatchMachineConfig',
  'InsertDrive',
  'InsertNetworkInterface',
  'SetVsock',
  'SetEntropy',
  'SetBalloon',
  'ConfigureLogger',
  'ConfigureMetrics',
  'SetMmdsConfig',
  'InstanceStart',
  'LoadSnapshot',
]);

/** Allowed only once the microVM exists. */
export const POST_BOOT_ONLY: ReadonlySet<VmmActionType> = new Set<VmmActionType>([
  'UpdateDrive',
  'UpdateNetworkInterface',
  'UpdateBalloon',
  'UpdateBalloonStatistics',
  'GetBalloonStats',
  'SendCtrlAltDel',
  'FlushMetrics',
  'Pause',
  'Resume',
  'CreateSnapshot',
]);

/** Actions that commit to booting from configuration (after which a snapshot cannot be loaded). */
export const BOOT_PATH_ACTIONS: ReadonlySet<VmmActionType> = new Set<VmmActionType>([
  'ConfigureBootSource',
  'PutMachineConfig',
  'PatchMachineConfig',
  'InsertDrive',
  'InsertNetworkInterface',
  'SetVsock',
  'SetEntropy',
  'SetBalloon',
  'SetMmdsConfig',
]);
