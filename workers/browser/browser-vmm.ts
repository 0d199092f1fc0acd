/**
 * One microVM behind the VmmApi contract: an in-memory file store, the Firecracker API (core/api's
 * parser and controller over the riscv64 backend), the serial console with batched output, events
 * and inspectors. Nothing here is browser-specific — the VMM worker injects how machines reach
 * their vCPU threads — so the same class runs under Node in tests.
 */
import type { PageWalkResult } from '../../core/arch/riscv64/page-walk';
import { parseRequest, toWireResponse, RISCV64_LIMITS, VmmController } from '../../core/api';
import type { WireResponse } from '../../core/api';
import type { Scheduler } from '../../core/time/clock';
import { Riscv64VmmBackend } from '../common/riscv64/vmm-backend';
import { describeStop, type Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { MachineSpec } from '../common/riscv64/machine-spec';
import { BrowserFileStore } from './browser-file-store';
import { ConsoleBatcher } from './console-batcher';
import { ExitRecorder } from './exit-recorder';
import { InspectorError, MachineInspector } from './machine-inspector';
import { linkNetPort } from './net-port-link';
import { validateJitSettings, type JitSettings } from '../common/riscv64/jit-settings';
import type {
  ApiResponse,
  BusEntry,
  ExitRecord,
  HartSnapshot,
  MachineMetrics,
  StoredFile,
  VirtqueueView,
  VmmApi,
  VmmEvent,
} from './vmm-api';

export interface BrowserVmmOptions {
  /** The compiled CPU; requests wait for it, so the worker can answer before it is ready. */
  cpuModule: Promise<WebAssembly.Module>;
  /** A machine bound to this environment's vCPU threads, clock and randomness. */
  createMachine(spec: MachineSpec, cpuModule: WebAssembly.Module): Riscv64Machine;
  scheduler: Scheduler;
  /** Host clock in ms (exit timestamps). */
  nowMs: () => number;
}

const BOOT_POLL_MS = 20;
const LAST_LINES = 20;

export class BrowserVmm implements VmmApi {
  readonly files = new BrowserFileStore();
  private readonly controller: VmmController;
  private machine: Riscv64Machine | undefined;
  private inspector: MachineInspector | undefined;
  private module: WebAssembly.Module | undefined;
  private readonly consoles = new Set<ConsoleBatcher>();
  private readonly listeners = new Set<(event: VmmEvent) => void>();
  private recorder: ExitRecorder | undefined;
  private jit: JitSettings | undefined;

  constructor(private readonly options: BrowserVmmOptions) {
    // A failed compile is reported by request(); until then it is not an unhandled rejection.
    options.cpuModule.catch(() => undefined);
    const backend = new Riscv64VmmBackend({
      files: this.files,
      createMachine: (spec) => options.createMachine(spec, this.requireModule()),
      onMachine: (machine) => this.adopt(machine),
      jit: () => this.jit,
    });
    this.controller = new VmmController({
      backend,
      limits: RISCV64_LIMITS,
      instanceId: 'kindling-browser',
      mmds: backend.mmds,
      onStateChange: (state) => this.emit({ kind: 'state', state }),
    });
  }

  async putFile(path: string, bytes: Uint8Array): Promise<void> {
    await this.files.write(path, bytes);
  }

  listFiles(): Promise<StoredFile[]> {
    return Promise.resolve(this.files.list());
  }

  async readFile(path: string): Promise<Uint8Array> {
    const bytes = await this.files.read(path);
    // A copy of exactly these bytes: cloning a view would copy its whole underlying buffer.
    return bytes.slice();
  }

  deleteFile(path: string): Promise<boolean> {
    return Promise.resolve(this.files.delete(path));
  }

  async request(method: string, path: string, body?: string): Promise<ApiResponse> {
    try {
      this.module ??= await this.options.cpuModule;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { status: 500, body: { fault_message: `the CPU module did not load: ${reason}` } };
    }
    const parsed = parseRequest(method, path, body);
    const wire = parsed.ok
      ? toWireResponse(await this.controller.handle(parsed.action))
      : toWireResponse(parsed);
    return fromWire(wire);
  }

  attachConsole(onOutput: (bytes: Uint8Array) => void): Promise<Uint8Array> {
    const batcher = new ConsoleBatcher((bytes) => {
      try {
        void Promise.resolve(onOutput(bytes)).catch(() => this.consoles.delete(batcher));
      } catch {
        this.consoles.delete(batcher); // a page that went away stops receiving
      }
    }, this.options.scheduler);
    this.consoles.add(batcher);
    return Promise.resolve(this.machine?.console.backlog() ?? new Uint8Array(0));
  }

  sendInput(bytes: Uint8Array): Promise<void> {
    this.machine?.console.write(bytes);
    return Promise.resolve();
  }

  onEvent(callback: (event: VmmEvent) => void): Promise<void> {
    this.listeners.add(callback);
    this.deliver(callback, { kind: 'state', state: this.controller.state() });
    return Promise.resolve();
  }

  configureJit(settings: JitSettings): Promise<void> {
    const valid = validateJitSettings(settings);
    if (typeof valid === 'string') return Promise.reject(new InspectorError(valid));
    this.jit = valid;
    return Promise.resolve();
  }

  metrics(): Promise<MachineMetrics | undefined> {
    return Promise.resolve(this.machine?.metrics());
  }

  async readHartState(hart: number): Promise<HartSnapshot> {
    return this.requireInspector().hartState(hart);
  }

  async busMap(): Promise<BusEntry[]> {
    return this.requireInspector().busMap();
  }

  async deviceTree(): Promise<Uint8Array> {
    return this.requireMachine().bootPlan.dtb.slice();
  }

  async virtqueue(slot: number, queue: number): Promise<VirtqueueView> {
    return this.requireInspector().virtqueue(slot, queue);
  }

  async pageWalk(hart: number, va: bigint): Promise<PageWalkResult> {
    return this.requireInspector().pageWalk(hart, va);
  }

  async translate(hart: number, va: bigint): Promise<bigint | null> {
    return this.requireInspector().translate(hart, va);
  }

  async recordExits(on: boolean): Promise<void> {
    const machine = this.requireMachine();
    if (on) {
      const started = this.options.nowMs();
      const recorder = (this.recorder ??= new ExitRecorder(
        () => machine.bus.list(),
        () => this.options.nowMs() - started,
      ));
      machine.exitObserver = (write, address, data, claimed) =>
        recorder.record(write, address, data, claimed);
    } else {
      machine.exitObserver = undefined;
    }
  }

  recentExits(): Promise<ExitRecord[]> {
    return Promise.resolve(this.recorder?.recent() ?? []);
  }

  async connectNet(ifaceId: string, port: MessagePort): Promise<void> {
    const device = this.requireMachine().nets.get(ifaceId);
    if (!device) throw new InspectorError(`the VM has no network interface ${ifaceId}`);
    linkNetPort(device, port);
  }

  kill(): Promise<void> {
    this.machine?.stop({ kind: 'killed', message: 'the VM was killed from the page' });
    return Promise.resolve();
  }

  /** A machine was booted or restored: wire its console, boot time and stop to the listeners. */
  private adopt(machine: Riscv64Machine): void {
    this.machine?.stop({ kind: 'killed', message: 'replaced by another machine' });
    this.machine = machine;
    this.inspector = new MachineInspector(machine);
    this.recorder = undefined;
    machine.console.attach((bytes) => this.consoles.forEach((c) => c.push(bytes)));
    if (machine.bootTimer.bootTimeUs() === undefined) this.watchBootTime(machine);
    void machine.stopped.then((reason) => {
      if (this.machine !== machine) return;
      this.consoles.forEach((c) => c.flush());
      const lines = new TextDecoder().decode(machine.console.backlog()).split(/\r?\n/);
      this.emit({
        kind: 'stopped',
        reason,
        description: describeStop(reason),
        lastLines: lines.slice(-LAST_LINES),
      });
    });
  }

  private watchBootTime(machine: Riscv64Machine): void {
    const poll = () => {
      if (machine.state === 'stopped') return;
      const bootTimeUs = machine.bootTimer.bootTimeUs();
      if (bootTimeUs === undefined) this.options.scheduler.schedule(BOOT_POLL_MS, poll);
      else this.emit({ kind: 'booted', bootTimeUs });
    };
    this.options.scheduler.schedule(BOOT_POLL_MS, poll);
  }

  private emit(event: VmmEvent): void {
    for (const listener of this.listeners) this.deliver(listener, event);
  }

  private deliver(listener: (event: VmmEvent) => void, event: VmmEvent): void {
    try {
      void Promise.resolve(listener(event)).catch(() => this.listeners.delete(listener));
    } catch {
      this.listeners.delete(listener);
    }
  }

  private requireModule(): WebAssembly.Module {
    if (!this.module) throw new InspectorError('the CPU module is not compiled yet');
    return this.module;
  }

  private requireMachine(): Riscv64Machine {
    if (!this.machine) throw new InspectorError('the microVM is not running');
    return this.machine;
  }

  private requireInspector(): MachineInspector {
    this.requireMachine();
    return this.inspector!;
  }
}

function fromWire(wire: WireResponse): ApiResponse {
  if (wire.body === undefined) return { status: wire.status };
  try {
    return { status: wire.status, body: JSON.parse(wire.body) as unknown };
  } catch {
    return { status: wire.status, body: wire.body };
  }
}
