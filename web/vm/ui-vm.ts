/**
 * One microVM as the playground shows it: its VMM worker (through the machine client), its
 * console as a ConsoleSource, its state, boot timeline, download progress and stop reason. The
 * React tree reads it through `subscribe`/`view` (useSyncExternalStore). Reset on riscv64 means
 * "stop and boot again" in a fresh VMM worker (Ctrl-Alt-Del is an x86 keyboard-controller action).
 */
import type { InstanceState } from '../../core/api/types';
import type { VmmEvent } from '../../workers/browser/vmm-api';
import {
  attachConsole,
  callApi,
  createVm,
  onVmEvent,
  restoreSnapshot,
  startVm,
  takeSnapshot,
  type VmHandle,
} from '../machine/machine-client';
import type { DownloadProgress } from '../machine/image-manifest';
import { VmSession } from '../machine/vm-session';
import { ConsoleFanout, type ConsoleSource } from '../console/console-source';
import { BootTimelineTracker, type BootTimeline } from './boot-timeline';
import { configureLaunch, describeSource, type LaunchConfig } from './launch-config';

export type VmPhase = 'configuring' | 'booting' | 'running' | 'paused' | 'stopped' | 'failed';

export interface StopInfo {
  description: string;
  lastLines: string[];
}

export interface UiVmView {
  phase: VmPhase;
  instanceState: InstanceState | undefined;
  timeline: BootTimeline;
  progress: Record<string, DownloadProgress>;
  stop: StopInfo | undefined;
  error: string | undefined;
  /** Bumped whenever the VM is replaced (reset, restore): inspectors re-read static data. */
  generation: number;
}

/** How a VM joins the page's virtual network (see web/net). */
export interface NetworkHooks {
  /** Before InstanceStart: declare the interface through the API. */
  configure(vm: VmHandle): Promise<void>;
  /** After InstanceStart: connect the interface's frames to the switch. */
  connect(vm: VmHandle): Promise<void>;
  disconnect(vm: VmHandle): void;
}

export class UiVm implements ConsoleSource {
  private handle: VmHandle | undefined;
  private sessionRef: VmSession | undefined;
  private readonly fanout = new ConsoleFanout();
  private readonly timeline = new BootTimelineTracker();
  private readonly listeners = new Set<() => void>();
  private readonly decoder = new TextDecoder();
  private state: UiVmView = {
    phase: 'configuring',
    instanceState: undefined,
    timeline: {},
    progress: {},
    stop: undefined,
    error: undefined,
    generation: 0,
  };

  constructor(
    readonly id: string,
    readonly title: string,
    private config: LaunchConfig | undefined,
    private readonly network: NetworkHooks | undefined,
  ) {}

  static launch(id: string, config: LaunchConfig, network?: NetworkHooks): UiVm {
    const vm = new UiVm(id, `${id} · ${describeSource(config.source)}`, config, network);
    void vm.boot();
    return vm;
  }

  /** A VM resumed from snapshot files (the bundle's contents). */
  static restore(id: string, files: Record<string, Uint8Array>): UiVm {
    const vm = new UiVm(id, `${id} · restored`, undefined, undefined);
    void vm.runStep(true, async () => {
      const handle = await restoreSnapshot(files, { resume: true });
      await vm.adopt(handle);
      vm.fanout.push(new TextEncoder().encode('\r\n[restored from snapshot: press Enter]\r\n'));
      vm.update({ phase: 'running' });
    });
    return vm;
  }

  get api() {
    return this.handle?.api;
  }

  get session(): VmSession | undefined {
    return this.sessionRef;
  }

  get canReset(): boolean {
    return this.config !== undefined;
  }

  view(): UiVmView {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  // ConsoleSource
  subscribeOutput(onOutput: (bytes: Uint8Array) => void): () => void {
    return this.fanout.subscribe(onOutput);
  }
  send(bytes: Uint8Array): void {
    void this.handle?.api.sendInput(bytes);
  }
  tail(): string {
    return this.fanout.tail();
  }
  type(text: string): void {
    this.send(new TextEncoder().encode(text));
  }

  async pause(): Promise<void> {
    await this.runStep(false, async () => {
      await callApi(this.requireHandle(), 'PATCH', '/vm', { state: 'Paused' });
    });
  }

  async resume(): Promise<void> {
    await this.runStep(false, async () => {
      await callApi(this.requireHandle(), 'PATCH', '/vm', { state: 'Resumed' });
    });
  }

  /** Ask the guest to power off (its shell runs `poweroff`); `stop` ends it at once. */
  powerOff(): void {
    this.type('poweroff\n');
  }

  async stop(): Promise<void> {
    await this.handle?.api.kill();
  }

  /** Stop and boot the same configuration again in a fresh VMM worker. */
  async reset(): Promise<void> {
    if (!this.config) return;
    this.teardown();
    this.fanout.push(new TextEncoder().encode('\x1bc'));
    this.fanout.clear();
    await this.boot();
  }

  /** Pause, write a Full snapshot and return every file a restore needs. The VM stays paused. */
  async snapshot(): Promise<Record<string, Uint8Array>> {
    const files = await takeSnapshot(this.requireHandle());
    this.update({ phase: 'paused' });
    return files;
  }

  dispose(): void {
    this.teardown();
    this.listeners.clear();
  }

  private async boot(): Promise<void> {
    const config = this.config!;
    await this.runStep(true, async () => {
      const handle = createVm();
      await this.adopt(handle);
      this.update({ phase: 'configuring', progress: {} });
      await configureLaunch(handle, config, (progress) =>
        this.update({ progress: { ...this.state.progress, [progress.file]: progress } }),
      );
      await this.network?.configure(handle);
      this.timeline.start(performance.now());
      this.update({ phase: 'booting', timeline: { ...this.timeline.timeline } });
      await startVm(handle);
      await this.network?.connect(handle);
    });
  }

  /** Follow a fresh VM handle: console, events, and a named session for scripts and tests. */
  private async adopt(handle: VmHandle): Promise<void> {
    this.handle = handle;
    const session = await VmSession.open(handle);
    this.sessionRef = session;
    window.kindling?.sessions.set(this.id, session);
    this.fanout.push(await attachConsole(handle, (bytes) => this.onConsole(handle, bytes)));
    await onVmEvent(handle, (event) => this.onEvent(handle, event));
    this.update({ generation: this.state.generation + 1, stop: undefined, error: undefined });
  }

  private onConsole(handle: VmHandle, bytes: Uint8Array): void {
    if (handle !== this.handle) return;
    this.fanout.push(bytes);
    const text = this.decoder.decode(bytes, { stream: true });
    if (this.timeline.output(text, performance.now())) {
      this.update({ timeline: { ...this.timeline.timeline } });
    }
  }

  private onEvent(handle: VmHandle, event: VmmEvent): void {
    if (handle !== this.handle) return;
    switch (event.kind) {
      case 'state': {
        const phase =
          event.state === 'Paused'
            ? 'paused'
            : event.state === 'Running'
              ? this.state.timeline.shellMs === undefined && this.state.phase === 'booting'
                ? 'booting'
                : 'running'
              : this.state.phase;
        this.update({ instanceState: event.state, phase });
        break;
      }
      case 'booted':
        this.timeline.booted(event.bootTimeUs, performance.now());
        this.update({ timeline: { ...this.timeline.timeline }, phase: 'running' });
        break;
      case 'stopped':
        this.update({
          phase: 'stopped',
          stop: { description: event.description, lastLines: event.lastLines },
        });
        this.network?.disconnect(handle);
        break;
    }
  }

  /** Run an action; its error is shown. A failed boot or restore leaves the VM 'failed'. */
  private async runStep(fatal: boolean, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.update({
        phase: fatal ? 'failed' : this.state.phase,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private requireHandle(): VmHandle {
    if (!this.handle) throw new Error('the VM has not been created yet');
    return this.handle;
  }

  private teardown(): void {
    if (this.handle) {
      this.network?.disconnect(this.handle);
      this.handle.dispose();
    }
    this.handle = undefined;
    window.kindling?.sessions.delete(this.id);
  }

  private update(patch: Partial<UiVmView>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
