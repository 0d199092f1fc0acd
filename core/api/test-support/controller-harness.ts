/**
 * Test helpers for the API controller: a backend that records calls and fails on demand, and a
 * client that sends requests through the real parser, as the HTTP and Comlink transports do.
 */
import type { VmmBackend } from '../backend';
import { VmmController, type ControllerResponse } from '../controller';
import { parseRequest } from '../parse-request';
import { X86_64_LIMITS, type ArchLimits, type InstanceState, type VmConfig } from '../types';

/** A backend that records calls and fails on demand. */
export class RecordingBackend implements VmmBackend {
  calls: string[] = [];
  failing = new Map<string, string>();
  startedWith: VmConfig | undefined;
  restoredConfig: VmConfig | undefined;

  private record(name: string): void {
    this.calls.push(name);
    const message = this.failing.get(name);
    if (message !== undefined) throw new Error(message);
  }
  async start(config: VmConfig) {
    this.record('start');
    this.startedWith = config;
  }
  pause = () => this.record('pause');
  resume = async () => this.record('resume');
  sendCtrlAltDel = () => this.record('sendCtrlAltDel');
  flushMetrics = () => this.record('flushMetrics');
  createSnapshot = () => this.record('createSnapshot');
  loadSnapshot = () => {
    this.record('loadSnapshot');
    return this.restoredConfig;
  };
  updateDrive = () => this.record('updateDrive');
  updateNetworkInterface = () => this.record('updateNetworkInterface');
  updateBalloon = () => this.record('updateBalloon');
  updateBalloonStatistics = () => this.record('updateBalloonStatistics');
  getBalloonStatistics = () => {
    this.record('getBalloonStatistics');
    return { target_pages: 1, actual_pages: 1, target_mib: 0, actual_mib: 0 };
  };
  configureLogger = () => this.record('configureLogger');
  configureMetrics = () => this.record('configureMetrics');
}

export function setup(limits: ArchLimits = X86_64_LIMITS) {
  const backend = new RecordingBackend();
  const states: InstanceState[] = [];
  const controller = new VmmController({
    backend,
    limits,
    instanceId: 'vm1',
    onStateChange: (s) => states.push(s),
  });
  /** Sends a request through the same parser the transports use. */
  const api = async (method: string, path: string, body?: unknown): Promise<ControllerResponse> => {
    const parsed = parseRequest(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (!parsed.ok) throw new Error(`parse refused: ${parsed.fault}`);
    return controller.handle(parsed.action);
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await api(method, path, body);
    if (r.status === 400) throw new Error(`${method} ${path} refused: ${r.fault_message}`);
    return r;
  };
  const fault = async (method: string, path: string, body?: unknown) => {
    const r = await api(method, path, body);
    if (r.status !== 400) throw new Error(`${method} ${path} accepted`);
    return r.fault_message;
  };
  return { backend, controller, states, api, ok, fault };
}

export type ControllerHarness = ReturnType<typeof setup>;

export const rootDrive = { drive_id: 'rootfs', path_on_host: '/rootfs.ext4', is_root_device: true };
export const eth0 = { iface_id: 'eth0', host_dev_name: 'tap0', guest_mac: '06:00:AC:10:00:02' };

export async function boot(t: ControllerHarness): Promise<void> {
  await t.ok('PUT', '/boot-source', { kernel_image_path: '/vmlinux' });
  await t.ok('PUT', '/actions', { action_type: 'InstanceStart' });
}
