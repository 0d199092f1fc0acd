/**
 * The WASM engine for the host daemon: the riscv64 machine (vCPUs in worker_threads) behind
 * `Riscv64VmmBackend`, with API paths read from the host filesystem. One `WasmVm` per microVM.
 *
 * The machine's modules load on first use (or when `prepare()` is called once the API socket
 * listens): under tsx they take ~0.5 s to load, which would otherwise delay the API socket.
 */
import type { VmmBackend } from '../../../core/api/backend';
import { RISCV64_LIMITS } from '../../../core/api/types';
import { ConsoleStream } from '../../../core/console/console-stream';
import { readGroup } from '../../../core/metrics/metric';
import { deviceMetricGroups } from '../device-metrics';
import { MmdsStore } from '../../../core/mmds/store';
import type { Riscv64Machine } from '../../../workers/common/riscv64/riscv64-machine';
import type { Riscv64VmmBackend } from '../../../workers/common/riscv64/vmm-backend';
import type { EngineVm, EngineVmHooks } from '../../daemon/engine-vm';

interface LoadedEngine {
  backend: Riscv64VmmBackend;
  describeStop: typeof import('../../../workers/common/riscv64/riscv64-machine').describeStop;
}

export class WasmVm implements EngineVm {
  readonly engine = 'wasm' as const;
  readonly limits = RISCV64_LIMITS;
  readonly backend: VmmBackend;
  readonly console = new ConsoleStream();
  /** The MMDS data: give it to the API controller (`VmmController({ mmds })`) so the guest reads
   *  what `PUT`/`PATCH /mmds` wrote, at once. */
  readonly mmds = new MmdsStore();
  private machine: Riscv64Machine | undefined;
  private detachConsole: (() => void) | undefined;
  private stopped: string | undefined;
  private loading: Promise<LoadedEngine> | undefined;

  constructor(private readonly hooks: EngineVmHooks) {
    const use = async <T>(run: (backend: VmmBackend) => T | Promise<T>): Promise<T> =>
      run((await this.load()).backend);
    this.backend = {
      start: (config) => use((b) => b.start(config)),
      pause: () => use((b) => b.pause()),
      resume: () => use((b) => b.resume()),
      sendCtrlAltDel: () => use((b) => b.sendCtrlAltDel()),
      flushMetrics: () => hooks.flushMetrics(),
      createSnapshot: (params) => use((b) => b.createSnapshot(params)),
      loadSnapshot: (params) => use((b) => b.loadSnapshot(params)),
      updateDrive: (update) => use((b) => b.updateDrive(update)),
      updateNetworkInterface: (update) => use((b) => b.updateNetworkInterface(update)),
      updateBalloon: (update) => use((b) => b.updateBalloon(update)),
      updateBalloonStatistics: (update) => use((b) => b.updateBalloonStatistics(update)),
      getBalloonStatistics: () => use((b) => b.getBalloonStatistics()),
      configureLogger: (config) => hooks.configureLogger(config),
      configureMetrics: (config) => hooks.configureMetrics(config),
    };
    this.console.onInput((bytes) => {
      this.machine?.console.write(bytes);
    });
  }

  /** Starts loading the machine's modules in the background. */
  prepare(): void {
    this.load().catch((error: unknown) =>
      this.hooks.log('Error', `loading the WASM engine failed: ${String(error)}`),
    );
  }

  private load(): Promise<LoadedEngine> {
    this.loading ??= (async () => {
      const [{ Riscv64VmmBackend }, { describeStop }, { createNodeMachine }, { NodeFileStore }] =
        await Promise.all([
          import('../../../workers/common/riscv64/vmm-backend'),
          import('../../../workers/common/riscv64/riscv64-machine'),
          import('../../../workers/node/node-machine'),
          import('./node-file-store'),
        ]);
      const backend = new Riscv64VmmBackend({
        files: new NodeFileStore(),
        createMachine: (spec) =>
          createNodeMachine(spec, { log: (line) => this.hooks.log('Info', `machine: ${line}`) }),
        onMachine: (machine) => this.adopt(machine, describeStop),
        configureLogger: (config) => this.hooks.configureLogger(config),
        configureMetrics: (config) => this.hooks.configureMetrics(config),
        writeMetrics: () => this.hooks.flushMetrics(),
        bootTimer: this.hooks.bootTimer,
        mmds: this.mmds,
      });
      return { backend, describeStop };
    })();
    return this.loading;
  }

  /** A machine came to life (boot or restore): relay its console and watch for its end. */
  private adopt(machine: Riscv64Machine, describeStop: LoadedEngine['describeStop']): void {
    this.detachConsole?.();
    this.machine = machine;
    const attachment = machine.console.attach((bytes) => this.console.push(bytes));
    this.detachConsole = () => attachment.detach();
    void machine.stopped.then((reason) => {
      if (this.machine !== machine) return;
      this.stopped = describeStop(reason);
      this.hooks.onStop(this.stopped, reason.kind === 'poweroff' || reason.kind === 'reboot');
    });
  }

  metricsGroups(): Record<string, unknown> {
    const machine = this.machine;
    if (!machine) return {};
    return {
      vmm: machine.metrics(),
      uart: readGroup(machine.uart.metrics, true),
      ...deviceMetricGroups(machine.virtio, machine.mmds),
    };
  }

  stopReason(): string | undefined {
    return this.stopped;
  }

  shape(): { vcpus: number; memMib: number } | undefined {
    const machine = this.machine;
    if (!machine) return undefined;
    return { vcpus: machine.table.harts, memMib: Math.round(machine.ramBytes / 2 ** 20) };
  }

  destroy(): void {
    this.machine?.stop({ kind: 'killed', message: 'the daemon is shutting down' });
  }
}
