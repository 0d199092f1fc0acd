/**
 * The KVM engine for the host daemon: x86_64 Linux microVMs (host/kvm/x86-linux-machine.ts) behind
 * the Firecracker API controller's `VmmBackend`. One `KvmEngineVm` per microVM; the machine's
 * modules (koffi, KVM bindings) load on first use so the API socket is not delayed.
 *
 * Supported: boot-source (bzImage or PVH vmlinux, gzip'd or not; initrd; boot_args), drives
 * (virtio-blk on the host file), network interfaces (virtio-net; frames the guest sends are
 * dropped: no host network backend yet), entropy (virtio-rng), machine-config vcpu_count and
 * mem_size_mib, InstanceStart, Pause/Resume, SendCtrlAltDel (i8042), FlushMetrics.
 * Not yet: snapshots, rate limiters, balloon, vsock — each answered with a clear 400.
 */
import type { VmmBackend } from '../../../core/api/backend';
import { X86_64_LIMITS, type VmConfig } from '../../../core/api/types';
import { ConsoleStream } from '../../../core/console/console-stream';
import { readGroup } from '../../../core/metrics/metric';
import { MmdsStore } from '../../../core/mmds/store';
import type { X86LinuxMachine } from '../../kvm/x86-linux-machine';
import type { EngineVm, EngineVmHooks } from '../../daemon/engine-vm';
import { deviceMetricGroups } from '../device-metrics';
import { machineConfigFromVm } from './kvm-machine-config';

export class KvmEngineError extends Error {
  override name = 'KvmEngineError';
}

const unsupported = (what: string): never => {
  throw new KvmEngineError(`${what} is not supported on the KVM engine yet`);
};

export class KvmEngineVm implements EngineVm {
  readonly engine = 'kvm' as const;
  readonly limits = X86_64_LIMITS;
  readonly backend: VmmBackend;
  readonly console = new ConsoleStream();
  /** The MMDS data: give it to the API controller (`VmmController({ mmds })`) so the guest reads
   *  what `PUT`/`PATCH /mmds` wrote (as the WASM engine does). */
  readonly mmds = new MmdsStore();
  private machine: X86LinuxMachine | undefined;
  private stopped: string | undefined;
  private detachConsole: (() => void) | undefined;

  constructor(private readonly hooks: EngineVmHooks) {
    this.backend = {
      start: (config) => this.start(config),
      pause: () => this.current().pause(),
      resume: () => this.current().resume(),
      sendCtrlAltDel: () => this.current().sendCtrlAltDel(),
      flushMetrics: () => hooks.flushMetrics(),
      createSnapshot: () => unsupported('snapshot create'),
      loadSnapshot: () => unsupported('snapshot load'),
      updateDrive: (update) => {
        if (update.path_on_host !== undefined)
          unsupported(`swapping the file behind drive ${update.drive_id} after boot`);
        if (update.rate_limiter) unsupported('a drive rate limiter');
      },
      updateNetworkInterface: () => unsupported('a network rate limiter'),
      updateBalloon: () => unsupported('the balloon device'),
      updateBalloonStatistics: () => unsupported('the balloon device'),
      getBalloonStatistics: () => unsupported('the balloon device'),
      configureLogger: (config) => hooks.configureLogger(config),
      configureMetrics: (config) => hooks.configureMetrics(config),
    };
    this.console.onInput((bytes) => {
      this.machine?.console.write(bytes);
    });
  }

  private current(): X86LinuxMachine {
    if (!this.machine?.running) throw new KvmEngineError('the microVM is not running');
    return this.machine;
  }

  private async start(config: VmConfig): Promise<void> {
    if (config.vsock) unsupported('vsock');
    if (config.balloon) unsupported('the balloon device');
    const machineConfig = await machineConfigFromVm(config, this.hooks.log, this.mmds);
    const [{ X86LinuxMachine }, { sharedKvmSystem }] = await Promise.all([
      import('../../kvm/x86-linux-machine'),
      import('./kvm-system-handle'),
    ]);
    const machine = X86LinuxMachine.create(sharedKvmSystem(), {
      ...machineConfig,
      bootTimer: this.hooks.bootTimer,
      log: (line) => this.hooks.log('Info', line),
    });
    this.machine = machine;
    this.hooks.log(
      'Info',
      `KVM machine: ${machine.plan.format} kernel, cmdline "${machine.cmdline}"`,
    );
    const attachment = machine.console.attach((bytes) => this.console.push(bytes));
    this.detachConsole = () => attachment.detach();
    void machine.stopped.then((stop) => {
      this.stopped = `${stop.kind === 'reboot' ? 'the guest rebooted' : stop.kind === 'killed' ? 'stopped' : 'the guest faulted'}: ${stop.message}`;
      this.hooks.onStop(this.stopped, stop.kind === 'reboot');
      void machine.close();
    });
    machine.start();
  }

  metricsGroups(): Record<string, unknown> {
    const machine = this.machine;
    if (!machine) return {};
    return {
      vmm: machine.metrics(),
      uart: readGroup(machine.devices.uart.metrics, true),
      i8042: readGroup(machine.devices.i8042.metrics, true),
      ...deviceMetricGroups(machine.devices.virtio, machine.mmds),
    };
  }

  stopReason(): string | undefined {
    return this.stopped;
  }

  shape(): { vcpus: number; memMib: number } | undefined {
    const machine = this.machine;
    if (!machine) return undefined;
    return {
      vcpus: machine.config.vcpus,
      memMib: Math.round(machine.config.memoryBytes / 2 ** 20),
    };
  }

  destroy(): void {
    this.detachConsole?.();
    void this.machine?.close();
  }
}
