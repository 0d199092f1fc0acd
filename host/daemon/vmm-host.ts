/**
 * Several microVMs in one daemon process (`kindling-host serve` / `gateway`): each VM has its own
 * controller, engine and API socket `DIR/<id>.sock`. VMs are created from `--vm ID[:vm.json]`
 * arguments or at run time through the control socket `DIR/control.sock`:
 *
 *   GET    /vms          → [{ id, arch, engine, state, vcpus, memMib, api_sock }]
 *   PUT    /vms/{id}     ← {} or { "config_file": "vm.json" }   → 204 (socket DIR/{id}.sock is ready)
 *   DELETE /vms/{id}     → 204 (the VM is stopped and its socket removed)
 *
 * The host is also the gateway's `VmDirectory`: list, consoles, pause/resume/ctrl-alt-del.
 */
import { join } from 'node:path';
import { unlinkSync } from 'node:fs';
import type { ConsoleStream } from '../../core/console/console-stream';
import type { VmmAction } from '../../core/api/actions';
import { UnixHttpServer, fault, type ApiResponse } from '../api/unix-http-server';
import type { VmControlAction, VmDirectory, VmSummary } from '../gateway/vm-directory';
import type { EngineChoice } from './engine-choice';
import { DaemonLogger, fileSink, stderrSink } from './logger';
import type { CommonOptions } from './cli-args';
import { VmInstance, bootFromConfigFile } from './vm-instance';

export const CONTROL_SOCKET = 'control.sock';
const VM_PATH = /^\/vms\/([A-Za-z0-9_.-]{1,64})$/;

export interface VmmHostOptions {
  socketDir: string;
  engine: EngineChoice;
  common: CommonOptions;
  /** Most VMs one host will run (control-socket creations beyond it are refused). */
  maxVms?: number;
}

export class VmmHost implements VmDirectory {
  private readonly vms = new Map<string, VmInstance>();
  private controlServer: UnixHttpServer | undefined;
  readonly logger: DaemonLogger;

  constructor(private readonly options: VmmHostOptions) {
    this.logger = this.newLogger('host');
  }

  private newLogger(id: string): DaemonLogger {
    const { level, logPath } = this.options.common;
    return new DaemonLogger(id, { level, sink: logPath ? fileSink(logPath) : stderrSink });
  }

  socketPath(id: string): string {
    return join(this.options.socketDir, `${id}.sock`);
  }

  get(id: string): VmInstance | undefined {
    return this.vms.get(id);
  }

  /** Creates a VM with its API socket; boots it at once when a config file is given. */
  async create(id: string, configFile?: string): Promise<VmInstance> {
    if (this.vms.has(id)) throw new Error(`a VM with id ${id} already exists`);
    const max = this.options.maxVms ?? 256;
    if (this.vms.size >= max) throw new Error(`this host runs at most ${max} VMs`);
    const { common } = this.options;
    const instance = new VmInstance({
      id,
      engine: this.options.engine,
      logger: this.newLogger(id),
      bootTimer: common.bootTimer,
      maxPayloadBytes: common.maxPayloadBytes,
    });
    this.vms.set(id, instance);
    try {
      await instance.listen(this.socketPath(id));
      if (configFile !== undefined) await bootFromConfigFile(instance, configFile);
    } catch (error) {
      this.vms.delete(id);
      await instance.close();
      throw error;
    }
    return instance;
  }

  async remove(id: string): Promise<boolean> {
    const instance = this.vms.get(id);
    if (!instance) return false;
    this.vms.delete(id);
    await instance.close();
    try {
      unlinkSync(this.socketPath(id));
    } catch {
      // Already gone.
    }
    return true;
  }

  list(): VmSummary[] {
    return [...this.vms.values()].map((instance) => summarise(instance));
  }

  console(id: string): ConsoleStream | undefined {
    return this.vms.get(id)?.vm.console;
  }

  async control(id: string, action: VmControlAction): Promise<void> {
    const instance = this.vms.get(id);
    if (!instance) throw new Error(`no VM with id ${id}`);
    const type: VmmAction['type'] =
      action === 'pause' ? 'Pause' : action === 'resume' ? 'Resume' : 'SendCtrlAltDel';
    const response = await instance.controller.handle({ type } as VmmAction);
    if (response.status === 400) throw new Error(response.fault_message);
  }

  /** Serves the control API on `DIR/control.sock`. */
  async listenControl(): Promise<string> {
    const path = join(this.options.socketDir, CONTROL_SOCKET);
    const server = new UnixHttpServer((method, url, body) => this.handleControl(method, url, body));
    await server.listen(path);
    this.controlServer = server;
    return path;
  }

  async handleControl(method: string, url: string, body: string | undefined): Promise<ApiResponse> {
    if (url === '/vms' && method === 'GET') {
      return {
        status: 200,
        body: this.list().map((vm) => ({ ...vm, api_sock: this.socketPath(vm.id) })),
      };
    }
    const match = VM_PATH.exec(url);
    if (!match) return fault(`Invalid request method and/or path: ${method} ${url}.`);
    const id = match[1]!;
    if (method === 'DELETE') {
      return (await this.remove(id)) ? { status: 204 } : fault(`no VM with id ${id}`);
    }
    if (method !== 'PUT') return fault(`Invalid request method and/or path: ${method} ${url}.`);
    let configFile: string | undefined;
    try {
      const request = (body === undefined ? {} : JSON.parse(body)) as unknown;
      if (typeof request !== 'object' || request === null || Array.isArray(request)) {
        return fault('the body must be a JSON object');
      }
      for (const [key, value] of Object.entries(request)) {
        if (key !== 'config_file') return fault(`unknown field ${key}`);
        if (typeof value !== 'string') return fault('config_file must be a string');
        configFile = value;
      }
    } catch (error) {
      return fault(`malformed JSON: ${(error as Error).message}`);
    }
    try {
      await this.create(id, configFile);
    } catch (error) {
      return fault((error as Error).message);
    }
    this.logger.info(`created VM ${id} (API socket ${this.socketPath(id)})`);
    return { status: 204 };
  }

  async close(): Promise<void> {
    await this.controlServer?.close();
    for (const id of [...this.vms.keys()]) await this.remove(id);
  }
}

function summarise(instance: VmInstance): VmSummary {
  const { vm, controller } = instance;
  const state = controller.state();
  const machine = controller.vmConfig()['machine-config'];
  const shape = vm.shape() ?? { vcpus: machine.vcpu_count, memMib: machine.mem_size_mib };
  return {
    id: instance.id,
    arch: vm.limits.arch,
    engine: vm.engine,
    state:
      vm.stopReason() !== undefined ? 'Stopped' : state === 'Not started' ? 'NotStarted' : state,
    vcpus: shape.vcpus,
    memMib: shape.memMib,
  };
}
