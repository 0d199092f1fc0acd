/**
 * Request and configuration bodies of Firecracker's API, with the swagger's field names
 * (snake_case on the wire, kept as-is so one object goes from JSON to the machine unchanged).
 */
import type { MmdsConfig } from '../mmds/config';
import type { RateLimiterConfig } from '../rate-limiter/config';

export type { MmdsConfig, RateLimiterConfig };

export interface BootSourceConfig {
  kernel_image_path: string;
  initrd_path?: string;
  boot_args?: string;
}

export const CPU_TEMPLATES = ['C3', 'T2', 'T2S', 'T2CL', 'T2A', 'V1N1', 'None'] as const;
export type CpuTemplate = (typeof CPU_TEMPLATES)[number];
export const HUGE_PAGES = ['None', 'Transparent', '2M'] as const;
export type HugePages = (typeof HUGE_PAGES)[number];

export interface MachineConfig {
  vcpu_count: number;
  mem_size_mib: number;
  smt?: boolean;
  track_dirty_pages?: boolean;
  huge_pages?: HugePages;
  cpu_template?: CpuTemplate;
}

/** `PATCH /machine-config`: any subset of the fields. */
export type MachineConfigUpdate = Partial<MachineConfig>;

export interface DriveConfig {
  drive_id: string;
  path_on_host: string;
  is_root_device: boolean;
  is_read_only?: boolean;
  partuuid?: string;
  cache_type?: 'Unsafe' | 'Writeback';
  io_engine?: 'Sync' | 'Async';
  rate_limiter?: RateLimiterConfig;
}

/** `PATCH /drives/{id}` after boot: a new backing file and/or rate limiter. */
export interface PartialDrive {
  drive_id: string;
  path_on_host?: string;
  rate_limiter?: RateLimiterConfig;
}

export interface NetworkInterfaceConfig {
  iface_id: string;
  host_dev_name: string;
  guest_mac?: string;
  mtu?: number;
  rx_rate_limiter?: RateLimiterConfig;
  tx_rate_limiter?: RateLimiterConfig;
}

export interface PartialNetworkInterface {
  iface_id: string;
  rx_rate_limiter?: RateLimiterConfig;
  tx_rate_limiter?: RateLimiterConfig;
}

export interface VsockConfig {
  guest_cid: number;
  uds_path: string;
  vsock_id?: string;
}

export interface EntropyConfig {
  rate_limiter?: RateLimiterConfig;
}

export interface BalloonConfig {
  amount_mib: number;
  deflate_on_oom: boolean;
  stats_polling_interval_s?: number;
}

export interface BalloonUpdate {
  amount_mib: number;
}

export interface BalloonStatsUpdate {
  stats_polling_interval_s: number;
}

/** `GET /balloon/statistics` (required fields of the swagger; the backend may add the optional ones). */
export interface BalloonStats {
  target_pages: number;
  actual_pages: number;
  target_mib: number;
  actual_mib: number;
  [field: string]: number;
}

export const LOG_LEVELS = ['Error', 'Warning', 'Info', 'Debug', 'Trace', 'Off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerConfig {
  log_path?: string;
  level?: LogLevel;
  show_level?: boolean;
  show_log_origin?: boolean;
  module?: string;
}

export interface MetricsConfig {
  metrics_path: string;
}

export interface SnapshotCreateParams {
  snapshot_type: 'Full' | 'Diff';
  snapshot_path: string;
  mem_file_path: string;
}

export interface MemoryBackend {
  backend_type: 'File' | 'Uffd';
  backend_path: string;
}

/** Normalised load parameters: `mem_file_path` is folded into `mem_backend` (type File) and the
 *  deprecated `enable_diff_snapshots` into `track_dirty_pages`. */
export interface SnapshotLoadParams {
  snapshot_path: string;
  mem_backend: MemoryBackend;
  track_dirty_pages: boolean;
  resume_vm: boolean;
  network_overrides?: { iface_id: string; host_dev_name: string }[];
  vsock_override?: { uds_path: string };
}

export type InstanceState = 'Not started' | 'Running' | 'Paused';

export interface InstanceInfo {
  app_name: string;
  id: string;
  state: InstanceState;
  vmm_version: string;
}

/** The whole pre-boot configuration: `GET /vm/config` and the `--config-file` JSON. */
export interface VmConfig {
  'boot-source'?: BootSourceConfig;
  'machine-config': MachineConfig;
  drives: DriveConfig[];
  'network-interfaces': NetworkInterfaceConfig[];
  vsock?: VsockConfig;
  entropy?: EntropyConfig;
  balloon?: BalloonConfig;
  logger?: LoggerConfig;
  metrics?: MetricsConfig;
  'mmds-config'?: MmdsConfig;
}

/** What differs between machines: the controller refuses what the backend cannot do. */
export interface ArchLimits {
  arch: 'riscv64' | 'x86_64';
  maxVcpus: number;
  maxMemMib: number;
  smtSupported: boolean;
  /** CPU templates accepted besides "None". */
  cpuTemplates: readonly CpuTemplate[];
  sendCtrlAltDelSupported: boolean;
}

export const RISCV64_LIMITS: ArchLimits = {
  arch: 'riscv64',
  maxVcpus: 4,
  maxMemMib: 2048,
  smtSupported: false,
  cpuTemplates: [],
  sendCtrlAltDelSupported: false,
};

export const X86_64_LIMITS: ArchLimits = {
  arch: 'x86_64',
  maxVcpus: 32,
  maxMemMib: 65536,
  smtSupported: true,
  cpuTemplates: ['C3', 'T2', 'T2S', 'T2CL', 'T2A'],
  sendCtrlAltDelSupported: true,
};

export const DEFAULT_MACHINE_CONFIG: MachineConfig = {
  vcpu_count: 1,
  mem_size_mib: 128,
  smt: false,
  track_dirty_pages: false,
  huge_pages: 'None',
};
