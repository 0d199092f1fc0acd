import { MmdsStore } from '../mmds/store';
import { KINDLING_VERSION } from '../version';
import { BOOT_PATH_ACTIONS, POST_BOOT_ONLY, PRE_BOOT_ONLY, type VmmAction } from './actions';
import type { VmmBackend } from './backend';
import type { ArchLimits, InstanceInfo, InstanceState, VmConfig } from './types';
import { VmConfigBuilder } from './vm-config-builder';

export type ControllerResponse =
  { status: 200; body: unknown } | { status: 204 } | { status: 400; fault_message: string };

export const NOT_SUPPORTED_POST_BOOT =
  'The requested operation is not supported after starting the microVM.';
export const NOT_SUPPORTED_PRE_BOOT =
  'The requested operation is not supported before starting the microVM.';
export const LOAD_SNAPSHOT_NOT_ALLOWED =
  'Loading a microVM snapshot not allowed after configuring boot-specific resources.';

export interface VmmControllerOptions {
  backend: VmmBackend;
  limits: ArchLimits;
  /** Instance id reported by `GET /` (Firecracker's `--id`). */
  instanceId?: string;
  /** MMDS store, shared with the network device that answers the guest (created if omitted). */
  mmds?: MmdsStore;
  onStateChange?: (state: InstanceState) => void;
}

/**
 * Decides what each API action means in the current state (Firecracker's pre-boot and runtime
 * controllers in one): keeps the pre-boot configuration, enforces which actions are allowed
 * when, and forwards runtime actions to the backend. `handle` never throws: every failure,
 * including a backend exception, becomes a 400 fault. Actions run one at a time, in order.
 */
export class VmmController {
  readonly mmds: MmdsStore;
  private readonly config: VmConfigBuilder;
  private readonly backend: VmmBackend;
  private readonly limits: ArchLimits;
  private readonly instanceId: string;
  private readonly onStateChange: ((state: InstanceState) => void) | undefined;
  private currentState: InstanceState = 'Not started';
  private bootPathUsed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: VmmControllerOptions) {
    this.backend = options.backend;
    this.limits = options.limits;
    this.instanceId = options.instanceId ?? 'anonymous-instance';
    this.mmds = options.mmds ?? new MmdsStore();
    this.onStateChange = options.onStateChange;
    this.config = new VmConfigBuilder(options.limits);
  }

  state(): InstanceState {
    return this.currentState;
  }

  /** The current configuration (what `GET /vm/config` returns). */
  vmConfig(): VmConfig {
    return this.config.snapshot();
  }

  handle(action: VmmAction): Promise<ControllerResponse> {
    const run = this.queue.then(() => this.dispatch(action));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async dispatch(action: VmmAction): Promise<ControllerResponse> {
    const started = this.currentState !== 'Not started';
    if (started && PRE_BOOT_ONLY.has(action.type)) return fault(NOT_SUPPORTED_POST_BOOT);
    if (!started && POST_BOOT_ONLY.has(action.type)) return fault(NOT_SUPPORTED_PRE_BOOT);
    try {
      const response = await this.perform(action);
      if (response.status !== 400 && BOOT_PATH_ACTIONS.has(action.type)) this.bootPathUsed = true;
      return response;
    } catch (e) {
      return fault(`${describeAction(action)}: ${errorMessage(e)}`);
    }
  }

  private async perform(action: VmmAction): Promise<ControllerResponse> {
    const c = this.config;
    switch (action.type) {
      case 'GetInstanceInfo':
        return ok(this.instanceInfo());
      case 'GetVersion':
        return ok({ firecracker_version: KINDLING_VERSION });
      case 'GetFullVmConfig':
        return ok(c.snapshot());
      case 'GetMachineConfig':
        return ok(c.machine());
      case 'GetBalloonConfig': {
        const balloon = c.balloon();
        return balloon ? ok(balloon) : fault('No balloon device configured.');
      }
      case 'GetMmds':
        return ok(this.mmds.value());
      case 'PutMmds':
        return fromMmds(this.mmds.put(action.data));
      case 'PatchMmds':
        return fromMmds(this.mmds.patch(action.patch));
      case 'ConfigureBootSource':
        return rule(c.setBootSource(action.config));
      case 'PutMachineConfig':
        return rule(c.putMachineConfig(action.config));
      case 'PatchMachineConfig':
        return rule(c.patchMachineConfig(action.update));
      case 'InsertDrive':
        return rule(c.insertDrive(action.config));
      case 'InsertNetworkInterface':
        return rule(c.insertNetworkInterface(action.config));
      case 'SetVsock':
        return rule(c.setVsock(action.config));
      case 'SetEntropy':
        return rule(c.setEntropy(action.config));
      case 'SetBalloon':
        return rule(c.setBalloon(action.config));
      case 'SetMmdsConfig':
        return rule(c.setMmdsConfig(action.config));
      case 'ConfigureLogger':
        await this.backend.configureLogger(action.config);
        return rule(c.setLogger(action.config));
      case 'ConfigureMetrics':
        if (c.hasMetrics()) return fault('Reinitialization of metrics not allowed.');
        await this.backend.configureMetrics(action.config);
        return rule(c.setMetrics(action.config));
      case 'InstanceStart':
        return this.start();
      case 'LoadSnapshot':
        return this.loadSnapshot(action.params);
      default:
        return this.performRuntime(action);
    }
  }

  private async performRuntime(action: VmmAction): Promise<ControllerResponse> {
    const c = this.config;
    switch (action.type) {
      case 'Pause':
        if (this.currentState === 'Running') await this.backend.pause();
        this.setState('Paused');
        return empty();
      case 'Resume':
        if (this.currentState === 'Paused') await this.backend.resume();
        this.setState('Running');
        return empty();
      case 'SendCtrlAltDel':
        if (!this.limits.sendCtrlAltDelSupported)
          return fault(`SendCtrlAltDel is not supported on ${this.limits.arch}.`);
        await this.backend.sendCtrlAltDel();
        return empty();
      case 'FlushMetrics':
        await this.backend.flushMetrics();
        return empty();
      case 'CreateSnapshot':
        if (this.currentState !== 'Paused') {
          return fault(
            'Cannot create a snapshot while the microVM is running: pause it first (PATCH /vm {"state": "Paused"}).',
          );
        }
        if (action.params.snapshot_type === 'Diff' && !c.machine().track_dirty_pages) {
          return fault('Diff snapshots are not allowed on uVMs with dirty page tracking disabled.');
        }
        await this.backend.createSnapshot(action.params);
        return empty();
      case 'UpdateDrive':
        if (!c.findDrive(action.update.drive_id))
          return fault(`No drive with id "${action.update.drive_id}".`);
        await this.backend.updateDrive(action.update);
        c.applyDriveUpdate(action.update);
        return empty();
      case 'UpdateNetworkInterface':
        if (!c.findNetworkInterface(action.update.iface_id)) {
          return fault(`No network interface with id "${action.update.iface_id}".`);
        }
        await this.backend.updateNetworkInterface(action.update);
        c.applyNetworkInterfaceUpdate(action.update);
        return empty();
      case 'UpdateBalloon': {
        if (!c.balloon()) return fault('No balloon device configured.');
        const tooBig = c.balloonTooBig(action.update.amount_mib);
        if (tooBig) return fault(tooBig);
        await this.backend.updateBalloon(action.update);
        c.applyBalloonUpdate(action.update);
        return empty();
      }
      case 'UpdateBalloonStatistics': {
        const balloon = c.balloon();
        if (!balloon) return fault('No balloon device configured.');
        const wasOn = (balloon.stats_polling_interval_s ?? 0) > 0;
        if (wasOn !== action.update.stats_polling_interval_s > 0) {
          return fault(
            'Statistics for the balloon device cannot be enabled or disabled after boot.',
          );
        }
        await this.backend.updateBalloonStatistics(action.update);
        c.applyBalloonUpdate(action.update);
        return empty();
      }
      case 'GetBalloonStats': {
        const balloon = c.balloon();
        if (!balloon) return fault('No balloon device configured.');
        if (!balloon.stats_polling_interval_s)
          return fault('Statistics for the balloon device are not enabled.');
        return ok(await this.backend.getBalloonStatistics());
      }
      default:
        return fault(`Unhandled action ${action.type}.`);
    }
  }

  private async start(): Promise<ControllerResponse> {
    if (!this.config.hasBootSource())
      return fault('Cannot start microvm without kernel configuration.');
    try {
      await this.backend.start(this.config.snapshot());
    } catch (e) {
      return fault(`Failed to start microVM: ${errorMessage(e)}`);
    }
    this.setState('Running');
    return empty();
  }

  private async loadSnapshot(
    params: Extract<VmmAction, { type: 'LoadSnapshot' }>['params'],
  ): Promise<ControllerResponse> {
    if (this.bootPathUsed) return fault(LOAD_SNAPSHOT_NOT_ALLOWED);
    let restored: VmConfig | undefined;
    try {
      restored = await this.backend.loadSnapshot(params);
    } catch (e) {
      return fault(`Failed to restore from snapshot: ${errorMessage(e)}`);
    }
    if (restored) this.config.adopt(restored);
    this.setState('Paused');
    if (params.resume_vm) {
      try {
        await this.backend.resume();
      } catch (e) {
        return fault(`Failed to resume microVM: ${errorMessage(e)}`);
      }
      this.setState('Running');
    }
    return empty();
  }

  private instanceInfo(): InstanceInfo {
    return {
      app_name: 'Kindling',
      id: this.instanceId,
      state: this.currentState,
      vmm_version: KINDLING_VERSION,
    };
  }

  private setState(state: InstanceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    try {
      this.onStateChange?.(state);
    } catch {
      // A listener's failure must not change the outcome of the action.
    }
  }
}

function ok(body: unknown): ControllerResponse {
  return { status: 200, body };
}

function empty(): ControllerResponse {
  return { status: 204 };
}

function fault(message: string): ControllerResponse {
  return { status: 400, fault_message: message };
}

function rule(error: string | undefined): ControllerResponse {
  return error === undefined ? empty() : fault(error);
}

function fromMmds(result: { ok: true } | { ok: false; error: string }): ControllerResponse {
  return result.ok ? empty() : fault(result.error);
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'unknown error';
}

function describeAction(action: VmmAction): string {
  return `${action.type} failed`;
}
