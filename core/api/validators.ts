/**
 * Body validators for every API request, shared by the HTTP/Comlink request parser and the
 * `--config-file` parser. Field names, types and ranges follow Firecracker's swagger; semantic
 * rules that need state (root device unique, limits of this machine...) live in the controller.
 */
import { DEFAULT_MMDS_IPV4_ADDRESS, isValidMmdsAddress, type MmdsConfig } from '../mmds/config';
import type { RateLimiterConfig, TokenBucketConfig } from '../rate-limiter/config';
import {
  ValidationError,
  arrayOf,
  boolean,
  integer,
  nonEmptyString,
  object,
  oneOf,
  string,
  type Check,
} from './schema';
import {
  CPU_TEMPLATES,
  HUGE_PAGES,
  LOG_LEVELS,
  type BalloonConfig,
  type BalloonStatsUpdate,
  type BalloonUpdate,
  type BootSourceConfig,
  type DriveConfig,
  type EntropyConfig,
  type LoggerConfig,
  type MachineConfig,
  type MachineConfigUpdate,
  type MetricsConfig,
  type NetworkInterfaceConfig,
  type PartialDrive,
  type PartialNetworkInterface,
  type SnapshotCreateParams,
  type SnapshotLoadParams,
  type VsockConfig,
} from './types';

const U64 = integer(0);
const U32 = integer(0, 0xffff_ffff);

/** Resource ids: non-empty, alphanumeric and `_`, as Firecracker's `checked_id`. */
export const resourceId: Check<string> = (value, where) => {
  const id = string(value, where);
  if (id === '') throw new ValidationError('The ID cannot be empty.');
  if (!/^[\p{L}\p{N}_]+$/u.test(id)) {
    throw new ValidationError(
      'API Resource IDs can only contain alphanumeric characters and underscores.',
    );
  }
  return id;
};

export const tokenBucket: Check<TokenBucketConfig> = object(
  { size: U64, refill_time: U64 },
  { one_time_burst: U64 },
);

export const rateLimiter: Check<RateLimiterConfig> = object(
  {},
  { bandwidth: tokenBucket, ops: tokenBucket },
);

export const bootSource: Check<BootSourceConfig> = object(
  { kernel_image_path: nonEmptyString },
  { initrd_path: nonEmptyString, boot_args: string },
);

const machineFields = {
  vcpu_count: integer(1, 32),
  mem_size_mib: integer(1),
};
const machineOptional = {
  smt: boolean,
  track_dirty_pages: boolean,
  huge_pages: oneOf(...HUGE_PAGES),
  cpu_template: oneOf(...CPU_TEMPLATES),
};

export const machineConfig: Check<MachineConfig> = object(machineFields, machineOptional);
export const machineConfigUpdate: Check<MachineConfigUpdate> = object(
  {},
  { ...machineFields, ...machineOptional },
);

export const drive: Check<DriveConfig> = object(
  { drive_id: resourceId, path_on_host: nonEmptyString, is_root_device: boolean },
  {
    is_read_only: boolean,
    partuuid: nonEmptyString,
    cache_type: oneOf('Unsafe', 'Writeback'),
    io_engine: oneOf('Sync', 'Async'),
    rate_limiter: rateLimiter,
  },
);

export const partialDrive: Check<PartialDrive> = object(
  { drive_id: resourceId },
  { path_on_host: nonEmptyString, rate_limiter: rateLimiter },
);

export const macAddress: Check<string> = (value, where) => {
  const mac = string(value, where);
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac)) {
    throw new ValidationError(
      `"${where}": invalid MAC address ${JSON.stringify(mac)} (expected xx:xx:xx:xx:xx:xx)`,
    );
  }
  return mac;
};

export const networkInterface: Check<NetworkInterfaceConfig> = object(
  { iface_id: resourceId, host_dev_name: nonEmptyString },
  {
    guest_mac: macAddress,
    mtu: integer(68, 65535),
    rx_rate_limiter: rateLimiter,
    tx_rate_limiter: rateLimiter,
  },
);

export const partialNetworkInterface: Check<PartialNetworkInterface> = object(
  { iface_id: resourceId },
  { rx_rate_limiter: rateLimiter, tx_rate_limiter: rateLimiter },
);

export const vsock: Check<VsockConfig> = object(
  { guest_cid: integer(3, 0xffff_ffff), uds_path: nonEmptyString },
  { vsock_id: string },
);

export const entropy: Check<EntropyConfig> = object({}, { rate_limiter: rateLimiter });

export const balloon: Check<BalloonConfig> = object(
  { amount_mib: U32, deflate_on_oom: boolean },
  { stats_polling_interval_s: integer(0, 0xffff) },
);

export const balloonUpdate: Check<BalloonUpdate> = object({ amount_mib: U32 }, {});

export const balloonStatsUpdate: Check<BalloonStatsUpdate> = object(
  { stats_polling_interval_s: integer(0, 0xffff) },
  {},
);

/** Log levels are case-insensitive on input and stored in the swagger's spelling. */
const logLevel: Check<LoggerConfig['level'] & string> = (value, where) => {
  const text = string(value, where);
  const level = LOG_LEVELS.find((l) => l.toLowerCase() === text.toLowerCase());
  if (!level)
    throw new ValidationError(
      `"${where}": expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  return level;
};

export const logger: Check<LoggerConfig> = object(
  {},
  {
    log_path: nonEmptyString,
    level: logLevel,
    show_level: boolean,
    show_log_origin: boolean,
    module: string,
  },
);

export const metrics: Check<MetricsConfig> = object({ metrics_path: nonEmptyString }, {});

const mmdsAddress: Check<string> = (value, where) => {
  const address = string(value, where);
  if (!isValidMmdsAddress(address)) {
    throw new ValidationError(
      `"${where}": ${JSON.stringify(address)} is not a valid link-local IPv4 address (169.254.1.0 – 169.254.254.255)`,
    );
  }
  return address;
};

export const mmdsConfig: Check<MmdsConfig> = (value, where) => {
  const parsed = object(
    { network_interfaces: arrayOf(resourceId) },
    { version: oneOf('V1', 'V2'), ipv4_address: mmdsAddress, imds_compat: boolean },
  )(value, where);
  const config: MmdsConfig = {
    version: parsed.version ?? 'V1',
    network_interfaces: parsed.network_interfaces,
    ipv4_address: parsed.ipv4_address ?? DEFAULT_MMDS_IPV4_ADDRESS,
  };
  if (parsed.imds_compat !== undefined) config.imds_compat = parsed.imds_compat;
  return config;
};

export const snapshotCreate: Check<SnapshotCreateParams> = (value, where) => {
  const p = object(
    { snapshot_path: nonEmptyString, mem_file_path: nonEmptyString },
    { snapshot_type: oneOf('Full', 'Diff') },
  )(value, where);
  return {
    snapshot_type: p.snapshot_type ?? 'Full',
    snapshot_path: p.snapshot_path,
    mem_file_path: p.mem_file_path,
  };
};

const memoryBackend = object(
  { backend_type: oneOf('File', 'Uffd'), backend_path: nonEmptyString },
  {},
);

export const snapshotLoad: Check<SnapshotLoadParams> = (value, where) => {
  const p = object(
    { snapshot_path: nonEmptyString },
    {
      mem_file_path: nonEmptyString,
      mem_backend: memoryBackend,
      enable_diff_snapshots: boolean,
      track_dirty_pages: boolean,
      resume_vm: boolean,
      network_overrides: arrayOf(
        object({ iface_id: resourceId, host_dev_name: nonEmptyString }, {}),
      ),
      vsock_override: object({ uds_path: nonEmptyString }, {}),
    },
  )(value, where);
  if (p.mem_file_path !== undefined && p.mem_backend !== undefined) {
    throw new ValidationError(
      '`mem_file_path` and `mem_backend` are mutually exclusive: give only one.',
    );
  }
  const backend =
    p.mem_backend ??
    (p.mem_file_path !== undefined
      ? { backend_type: 'File' as const, backend_path: p.mem_file_path }
      : undefined);
  if (!backend)
    throw new ValidationError('Either `mem_backend` or `mem_file_path` must be present.');
  if (p.enable_diff_snapshots !== undefined && p.track_dirty_pages !== undefined) {
    throw new ValidationError(
      '`enable_diff_snapshots` (deprecated) and `track_dirty_pages` are mutually exclusive.',
    );
  }
  const params: SnapshotLoadParams = {
    snapshot_path: p.snapshot_path,
    mem_backend: backend,
    track_dirty_pages: p.track_dirty_pages ?? p.enable_diff_snapshots ?? false,
    resume_vm: p.resume_vm ?? false,
  };
  if (p.network_overrides) params.network_overrides = p.network_overrides;
  if (p.vsock_override) params.vsock_override = p.vsock_override;
  return params;
};

export const instanceAction = object(
  { action_type: oneOf('InstanceStart', 'SendCtrlAltDel', 'FlushMetrics') },
  {},
);

export const vmState = object({ state: oneOf('Paused', 'Resumed') }, {});
