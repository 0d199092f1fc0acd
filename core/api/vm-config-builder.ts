/**
 * The pre-boot configuration and the rules that need more than one field to check: the
 * machine's limits, one root drive, unique host devices and MACs, balloon vs memory size, MMDS
 * interfaces that exist. Every setter returns an error message or `undefined`, and leaves the
 * configuration untouched when it refuses.
 */
import type { MmdsConfig } from '../mmds/config';
import type { RateLimiterConfig } from '../rate-limiter/config';
import {
  DEFAULT_MACHINE_CONFIG,
  type ArchLimits,
  type BalloonConfig,
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
  type VmConfig,
  type VsockConfig,
} from './types';

export type RuleResult = string | undefined;

export class VmConfigBuilder {
  private config: VmConfig = {
    'machine-config': { ...DEFAULT_MACHINE_CONFIG },
    drives: [],
    'network-interfaces': [],
  };

  constructor(private readonly limits: ArchLimits) {}

  /** A deep copy: callers (the backend, GET /vm/config) can never alter the stored state. */
  snapshot(): VmConfig {
    return structuredCloneJson(this.config);
  }

  /** Replaces everything (snapshot restore adopts the snapshot's configuration). */
  adopt(config: VmConfig): void {
    this.config = structuredCloneJson(config);
  }

  machine(): MachineConfig {
    return { ...this.config['machine-config'] };
  }

  balloon(): BalloonConfig | undefined {
    return this.config.balloon && { ...this.config.balloon };
  }

  hasBootSource(): boolean {
    return this.config['boot-source'] !== undefined;
  }

  hasMetrics(): boolean {
    return this.config.metrics !== undefined;
  }

  setBootSource(config: BootSourceConfig): RuleResult {
    this.config['boot-source'] = { ...config };
    return undefined;
  }

  putMachineConfig(config: MachineConfig): RuleResult {
    return this.setMachine({ ...DEFAULT_MACHINE_CONFIG, ...config });
  }

  patchMachineConfig(update: MachineConfigUpdate): RuleResult {
    return this.setMachine({ ...this.config['machine-config'], ...update });
  }

  private setMachine(next: MachineConfig): RuleResult {
    const { arch, maxVcpus, maxMemMib } = this.limits;
    if (next.smt && !this.limits.smtSupported) {
      return `Enabling simultaneous multithreading is not supported on ${arch}.`;
    }
    if (
      next.vcpu_count < 1 ||
      next.vcpu_count > maxVcpus ||
      (next.smt && next.vcpu_count > 1 && next.vcpu_count % 2)
    ) {
      return `The number of vCPUs must be greater than 0, less than or equal to ${maxVcpus} and must be 1 or an even number if SMT is enabled.`;
    }
    if (next.mem_size_mib < 1 || next.mem_size_mib > maxMemMib) {
      return `The memory size (MiB) must be between 1 and ${maxMemMib} on ${arch}.`;
    }
    if (next.huge_pages && next.huge_pages !== 'None' && next.mem_size_mib % 2 !== 0) {
      return 'The memory size (MiB) is either 0, or not a multiple of the configured page size.';
    }
    if (
      next.cpu_template &&
      next.cpu_template !== 'None' &&
      !this.limits.cpuTemplates.includes(next.cpu_template)
    ) {
      return `CPU template ${next.cpu_template} is not supported on ${arch}.`;
    }
    const balloon = this.config.balloon;
    if (balloon && next.mem_size_mib < balloon.amount_mib) {
      return 'The memory size (MiB) is smaller than the previously set balloon device target size.';
    }
    this.config['machine-config'] = next;
    return undefined;
  }

  insertDrive(drive: DriveConfig): RuleResult {
    const others = this.config.drives.filter((d) => d.drive_id !== drive.drive_id);
    if (drive.is_root_device && others.some((d) => d.is_root_device)) {
      return 'A root block device already exists!';
    }
    const index = this.config.drives.findIndex((d) => d.drive_id === drive.drive_id);
    const copy = structuredCloneJson(drive);
    if (index >= 0) this.config.drives[index] = copy;
    else this.config.drives.push(copy);
    // The root device is always the first drive (the guest sees it as /dev/vda).
    this.config.drives.sort((a, b) => Number(b.is_root_device) - Number(a.is_root_device));
    return undefined;
  }

  insertNetworkInterface(net: NetworkInterfaceConfig): RuleResult {
    const others = this.config['network-interfaces'].filter((n) => n.iface_id !== net.iface_id);
    if (others.some((n) => n.host_dev_name === net.host_dev_name)) {
      return `The host device name ${net.host_dev_name} is already in use.`;
    }
    const mac = net.guest_mac?.toLowerCase();
    if (mac && others.some((n) => n.guest_mac?.toLowerCase() === mac)) {
      return `The MAC address is already in use: ${net.guest_mac}.`;
    }
    const list = this.config['network-interfaces'];
    const index = list.findIndex((n) => n.iface_id === net.iface_id);
    if (index >= 0) list[index] = structuredCloneJson(net);
    else list.push(structuredCloneJson(net));
    return undefined;
  }

  setVsock(config: VsockConfig): RuleResult {
    this.config.vsock = { ...config };
    return undefined;
  }

  setEntropy(config: EntropyConfig): RuleResult {
    this.config.entropy = structuredCloneJson(config);
    return undefined;
  }

  setBalloon(config: BalloonConfig): RuleResult {
    const tooBig = this.balloonTooBig(config.amount_mib);
    if (tooBig) return tooBig;
    this.config.balloon = { stats_polling_interval_s: 0, ...config };
    return undefined;
  }

  balloonTooBig(amountMib: number): RuleResult {
    const mem = this.config['machine-config'].mem_size_mib;
    return amountMib > mem
      ? `The balloon target (${amountMib} MiB) cannot be larger than the guest memory (${mem} MiB).`
      : undefined;
  }

  setLogger(config: LoggerConfig): RuleResult {
    this.config.logger = { ...config };
    return undefined;
  }

  setMetrics(config: MetricsConfig): RuleResult {
    if (this.config.metrics) return 'Reinitialization of metrics not allowed.';
    this.config.metrics = { ...config };
    return undefined;
  }

  setMmdsConfig(config: MmdsConfig): RuleResult {
    if (config.network_interfaces.length === 0) {
      return 'The list of network interface IDs that allow forwarding MMDS requests is empty.';
    }
    const known = new Set(this.config['network-interfaces'].map((n) => n.iface_id));
    const unknown = config.network_interfaces.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      return `The list of network interface IDs for MMDS contains IDs that do not correspond to any existing network interface: ${unknown.join(', ')}.`;
    }
    this.config['mmds-config'] = structuredCloneJson(config);
    return undefined;
  }

  // --- runtime updates (after the backend accepted them) ----------------------------------

  findDrive(id: string): DriveConfig | undefined {
    return this.config.drives.find((d) => d.drive_id === id);
  }

  findNetworkInterface(id: string): NetworkInterfaceConfig | undefined {
    return this.config['network-interfaces'].find((n) => n.iface_id === id);
  }

  applyDriveUpdate(update: PartialDrive): void {
    const drive = this.findDrive(update.drive_id);
    if (!drive) return;
    if (update.path_on_host !== undefined) drive.path_on_host = update.path_on_host;
    if (update.rate_limiter)
      drive.rate_limiter = mergeRateLimiter(drive.rate_limiter, update.rate_limiter);
  }

  applyNetworkInterfaceUpdate(update: PartialNetworkInterface): void {
    const net = this.findNetworkInterface(update.iface_id);
    if (!net) return;
    if (update.rx_rate_limiter)
      net.rx_rate_limiter = mergeRateLimiter(net.rx_rate_limiter, update.rx_rate_limiter);
    if (update.tx_rate_limiter)
      net.tx_rate_limiter = mergeRateLimiter(net.tx_rate_limiter, update.tx_rate_limiter);
  }

  applyBalloonUpdate(fields: Partial<BalloonConfig>): void {
    if (this.config.balloon) this.config.balloon = { ...this.config.balloon, ...fields };
  }
}

/** A runtime rate limiter update replaces the buckets it names (see `RateLimiter.update`). */
export function mergeRateLimiter(
  current: RateLimiterConfig | undefined,
  update: RateLimiterConfig,
): RateLimiterConfig {
  const merged: RateLimiterConfig = { ...current };
  for (const kind of ['bandwidth', 'ops'] as const) {
    const bucket = update[kind];
    if (!bucket) continue;
    if (bucket.size === 0 || bucket.refill_time === 0) delete merged[kind];
    else merged[kind] = { ...bucket };
  }
  return merged;
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
