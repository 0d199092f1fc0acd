/**
 * The riscv64 machine on the VMM thread: guest memory, the MMIO bus with its devices, the PLIC
 * wired to the harts' pending words, the boot plan, and the vCPU threads. Device accesses arrive
 * through the exit mailbox and are answered here; everything time- or thread-specific is injected
 * (MachinePorts), so the same class runs in a browser worker and in Node.
 */
import { configureMachine, createGuestMemory, guestRam, HartState } from '../../../cpu/loader';
import { GUEST_RAM_WASM_BASE } from '../../../cpu/layout/wasm-memory';
import { MmioBus } from '../../../core/bus/bus';
import { ConsoleStream } from '../../../core/console/console-stream';
import { Uart16550 } from '../../../core/devices/serial';
import { BootTimer } from '../../../core/devices/boot-timer/boot-timer';
import {
  TestFinisher,
  type FinisherEvent,
} from '../../../core/devices/test-finisher/test-finisher';
import { BlockDevice } from '../../../core/devices/virtio/blk/device';
import { RngDevice, webCryptoSource } from '../../../core/devices/virtio/rng/device';
import { MmdsNetwork } from '../../../core/mmds/network/mmds-network';
import { NetDevice } from '../../../core/devices/virtio/net/device';
import { RateLimiter, type RateLimiterConfig } from '../../../core/rate-limiter';
import { VirtioMmioTransport } from '../../../core/virtio/mmio-transport';
import type { VirtioDevice } from '../../../core/virtio/device';
import { GuestMemory, toGuestAddress } from '../../../core/memory';
import { Plic } from '../../../core/arch/riscv64/plic';
import * as map from '../../../core/arch/riscv64/memory-map';
import { planRiscvBoot, type RiscvBootPlan } from '../../../core/arch/riscv64/boot';
import {
  ExitKind,
  ExitMailboxServer,
  ExitStatus,
  createExitMailboxBuffer,
} from '../../../core/vcpu/exit-mailbox';
import { GuestClock } from '../../../core/vcpu/guest-clock';
import { HartTable } from './hart-table';
import { CodeTrackingGuestMemory } from './code-tracking-memory';
import { HartControl, HartSignals } from './hart-signals';
import type { VcpuEvent } from './vcpu-runtime';
import type { JitStats } from '../../../cpu/jit/jit-hart';
import { DEFAULT_JIT_SETTINGS, type JitSettings } from './jit-settings';
import type {
  MachinePorts,
  MachineShape,
  MachineSpec,
  MachineState,
  StopReason,
  VcpuThread,
} from './machine-spec';

const MIB = 1024 * 1024;
const PAUSE_TIMEOUT_MS = 5000;
const INPUT_QUEUE_LIMIT = 64 * 1024;

/** Sees an exit after the bus answered it: `data` is the value written or read (do not keep it). */
export type ExitObserver = (
  write: boolean,
  address: number,
  data: Uint8Array,
  claimed: boolean,
) => void;

export class MachineError extends Error {
  override readonly name = 'MachineError';
}

export class Riscv64Machine {
  readonly console = new ConsoleStream();
  readonly bus = new MmioBus();
  readonly memory: WebAssembly.Memory;
  readonly guestMemory: GuestMemory;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly bootTimer: BootTimer;
  readonly virtio: { name: string; transport: VirtioMmioTransport }[] = [];
  /** virtio-net devices by iface_id: set `backend` to send, call `receive(frame)` to deliver. */
  readonly nets = new Map<string, NetDevice>();
  /** The MMDS as the guest reaches it over the interfaces `spec.mmds` lists (if configured). */
  readonly mmds: MmdsNetwork | undefined;
  private readonly rateLimiters = new Map<string, RateLimiter>();
  readonly bootPlan: RiscvBootPlan;
  readonly stopped: Promise<StopReason>;
  /** Accesses no device claimed (the guest got an access fault). */
  unmappedAccesses = 0;
  /** Optional tap on every answered MMIO exit (inspectors); unset, it costs one check per exit. */
  exitObserver: ExitObserver | undefined;

  readonly ramBytes: number;
  /** Guest time; frozen while paused (snapshots save it). */
  readonly clock: GuestClock;
  /** HSM status and parking of every hart (snapshots save the status). */
  readonly table: HartTable;

  private stateValue: MachineState = 'created';
  private inputQueue: Uint8Array[] = [];
  private inputQueued = 0;
  /** Console input dropped because the guest did not read it fast enough. */
  droppedInputBytes = 0;
  private restored = false;
  private readonly mailboxBuffer: SharedArrayBuffer;
  private readonly mailbox: ExitMailboxServer;
  private readonly signals: HartSignals;
  private readonly threads: VcpuThread[] = [];
  private resolveStopped!: (reason: StopReason) => void;
  private startedAtMs = 0;
  /** The latest JIT counters each vCPU thread posted (null while the JIT is off). */
  private readonly jitStats: (JitStats | null)[] = [];

  /** What the machine was built from, less the kernel and initrd: once they are in guest RAM the
   *  VMM's copies would only cost memory (≈ 6 MiB a VM with the bundled image). */
  readonly spec: MachineShape;
  /** How the vCPUs run guest code: the spec's choice or DEFAULT_JIT_SETTINGS. */
  readonly jit: JitSettings;

  constructor(
    spec: MachineSpec,
    private readonly ports: MachinePorts,
  ) {
    const { kernel: _kernel, initrd: _initrd, ...shape } = spec;
    this.spec = shape;
    this.jit = spec.jit ?? DEFAULT_JIT_SETTINGS;
    if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > map.MAX_HARTS) {
      throw new MachineError(`vcpu_count must be 1..${map.MAX_HARTS}, got ${spec.vcpus}`);
    }
    this.ramBytes = spec.memMib * MIB;
    if (
      !Number.isInteger(spec.memMib) ||
      this.ramBytes < map.MIN_RAM_SIZE ||
      this.ramBytes > map.MAX_RAM_SIZE
    ) {
      throw new MachineError(
        `mem_size_mib must be ${map.MIN_RAM_SIZE / MIB}..${map.MAX_RAM_SIZE / MIB}, got ${spec.memMib}`,
      );
    }
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.memory = createGuestMemory(this.ramBytes);
    configureMachine(this.memory, {
      ramBytes: this.ramBytes,
      harts: spec.vcpus,
      providesSbi: true,
    });
    this.guestMemory = new CodeTrackingGuestMemory(
      [
        {
          start: toGuestAddress(map.RAM_BASE),
          bytes: new Uint8Array(this.memory.buffer, GUEST_RAM_WASM_BASE, this.ramBytes),
        },
      ],
      this.memory,
    );
    this.signals = new HartSignals(this.memory.buffer);
    this.table = HartTable.create(spec.vcpus);
    this.clock = GuestClock.create(ports.hostNow);
    this.mailboxBuffer = createExitMailboxBuffer(spec.vcpus);
    this.mailbox = new ExitMailboxServer(this.mailboxBuffer, spec.vcpus);

    this.plic = new Plic({ harts: spec.vcpus, sink: this.signals.interrupts });
    this.bus.register(map.PLIC.base, map.PLIC.size, this.plic, 'plic');
    this.uart = new Uart16550({
      interrupt: this.plic.line(map.UART_IRQ),
      output: (b) => this.console.push(b),
      onInputSpace: () => this.feedInput(),
    });
    this.console.onInput((bytes) => this.queueInput(bytes));
    this.bus.register(map.UART.base, map.UART.size, this.uart, 'uart');
    const finisher = new TestFinisher((e) => this.onFinisher(e));
    this.bus.register(map.TEST_FINISHER.base, map.TEST_FINISHER.size, finisher, 'test-finisher');
    this.bootTimer = new BootTimer({
      // Time since start(): the boot timer reports from InstanceStart, not from construction.
      clock: { nowMs: () => ports.hostNow() - this.startedAtMs },
      vmStartMs: 0,
      ...(ports.log ? { log: ports.log } : {}),
    });
    if (spec.bootTimer)
      this.bus.register(map.BOOT_TIMER.base, map.BOOT_TIMER.size, this.bootTimer, 'boot-timer');

    // Every drive and interface gets limiters, unlimited unless configured, so that PATCH
    // /drives and /network-interfaces can set or change them while the VM runs.
    const limiterClock = { nowMs: ports.hostNow };
    const limiter = (config: RateLimiterConfig | undefined) =>
      new RateLimiter(config ?? {}, limiterClock);
    for (const drive of spec.drives ?? []) {
      this.addVirtio(
        `virtio-blk:${drive.id}`,
        new BlockDevice(drive.backend, {
          id: drive.id,
          scheduler: ports.scheduler,
          rateLimiter: this.limiterFor(`drive:${drive.id}`, limiter(drive.rateLimiter)),
        }),
      );
    }
    this.mmds = spec.mmds
      ? new MmdsNetwork({
          ...spec.mmds,
          clock: limiterClock,
          scheduler: ports.scheduler,
          random: ports.random ?? webCryptoSource,
        })
      : undefined;
    for (const net of spec.nets ?? []) {
      const device = new NetDevice({
        mac: net.mac,
        scheduler: ports.scheduler,
        rxRateLimiter: this.limiterFor(`net-rx:${net.id}`, limiter(net.rxRateLimiter)),
        txRateLimiter: this.limiterFor(`net-tx:${net.id}`, limiter(net.txRateLimiter)),
      });
      this.nets.set(net.id, device);
      if (this.mmds?.servesInterface(net.id)) this.mmds.attach(net.id, device);
      this.addVirtio(`virtio-net:${net.id}`, device);
    }
    if (spec.entropy) this.addVirtio('virtio-rng', new RngDevice(ports.random));

    const plan = planRiscvBoot({
      kernel: spec.kernel,
      ...(spec.initrd ? { initrd: spec.initrd } : {}),
      machine: {
        harts: spec.vcpus,
        ramSize: this.ramBytes,
        bootargs: spec.cmdline,
        virtioSlots: this.virtio.map((_, slot) => slot),
        bootTimer: spec.bootTimer ?? false,
      },
    });
    const ram = guestRam(this.memory, this.ramBytes);
    for (const write of plan.writes) ram.set(write.bytes, write.address - map.RAM_BASE);
    this.bootPlan = { ...plan, writes: [] }; // loaded: let the kernel and initrd copies go
  }

  /**
   * Console input waits here until the UART's 16-byte FIFO has room (a pasted line is longer than
   * that). Bounded: beyond INPUT_QUEUE_LIMIT bytes, input is dropped and counted.
   */
  private queueInput(bytes: Uint8Array): void {
    if (this.inputQueued + bytes.length > INPUT_QUEUE_LIMIT) {
      this.droppedInputBytes += bytes.length;
      return;
    }
    this.inputQueue.push(bytes.slice());
    this.inputQueued += bytes.length;
    this.feedInput();
  }

  private feedInput(): void {
    while (this.inputQueue.length > 0) {
      const head = this.inputQueue[0]!;
      const taken = this.uart.enqueueInput(head);
      this.inputQueued -= taken;
      if (taken < head.length) {
        this.inputQueue[0] = head.subarray(taken);
        return;
      }
      this.inputQueue.shift();
    }
  }

  private limiterFor(key: string, rateLimiter: RateLimiter): RateLimiter {
    this.rateLimiters.set(key, rateLimiter);
    return rateLimiter;
  }

  /** Change a running device's token buckets (PATCH /drives, /network-interfaces). */
  updateRateLimiter(
    kind: 'drive' | 'net-rx' | 'net-tx',
    id: string,
    config: RateLimiterConfig,
  ): void {
    const rateLimiter = this.rateLimiters.get(`${kind}:${id}`);
    if (!rateLimiter)
      throw new MachineError(`no ${kind === 'drive' ? 'drive' : 'network interface'} "${id}"`);
    rateLimiter.update(config);
  }

  /** The current token-bucket configuration of a device (GET-style view for tests and metrics). */
  rateLimiterConfig(
    kind: 'drive' | 'net-rx' | 'net-tx',
    id: string,
  ): RateLimiterConfig | undefined {
    return this.rateLimiters.get(`${kind}:${id}`)?.config();
  }

  get state(): MachineState {
    return this.stateValue;
  }

  private addVirtio(name: string, device: VirtioDevice): void {
    const slot = this.virtio.length;
    if (slot >= map.VIRTIO_MMIO_SLOTS)
      throw new MachineError(`at most ${map.VIRTIO_MMIO_SLOTS} virtio devices`);
    const region = map.virtioMmioSlot(slot);
    const transport = new VirtioMmioTransport(device, this.guestMemory, this.plic.line(region.irq));
    this.bus.register(region.base, region.size, transport, name);
    this.virtio.push({ name, transport });
  }

  /** Called by a snapshot restore: start() will resume the saved harts, paused, instead of booting. */
  markRestored(): void {
    this.restored = true;
  }

  /**
   * Start every vCPU thread. A booting machine runs at once: the boot hart enters the kernel, the
   * others wait for hart_start. A restored machine starts paused with every hart as it was saved.
   */
  start(): void {
    if (this.stateValue !== 'created') {
      throw new MachineError(`cannot start a machine that is ${this.stateValue}`);
    }
    this.stateValue = this.restored ? 'paused' : 'running';
    this.startedAtMs = this.ports.hostNow();
    if (this.restored) {
      for (let h = 0; h < this.spec.vcpus; h++) this.signals.setControl(h, HartControl.Pause);
    }
    void this.mailbox.serve((_slot, kind, address, data) => this.onExit(kind, address, data));
    const entry = this.bootPlan.entry;
    for (let hart = 0; hart < this.spec.vcpus; hart++) {
      const init = {
        hart,
        module: this.ports.cpuModule,
        memory: this.memory,
        ramBytes: this.ramBytes,
        mailbox: this.mailboxBuffer,
        clock: this.clock.buffer,
        hartTable: this.table.buffer,
        harts: this.spec.vcpus,
        restored: this.restored,
        jit: this.jit,
        ...(hart === entry.hart && !this.restored
          ? { boot: { pc: entry.pc, a0: entry.a0, a1: entry.a1, priv: entry.privilege } }
          : {}),
      };
      this.threads.push(this.ports.launchVcpu(init, (event) => this.onVcpuEvent(event)));
    }
    if (!this.restored) this.clock.resume();
  }

  private onExit(kind: number, address: number, data: Uint8Array): ExitStatus {
    // RISC-V has no port space: only Read and Write can come from our vCPUs.
    const hit =
      kind === ExitKind.Read
        ? this.bus.read(address, data)
        : kind === ExitKind.Write && this.bus.write(address, data);
    this.exitObserver?.(kind !== ExitKind.Read, address, data, hit);
    if (hit) return ExitStatus.Ok;
    this.unmappedAccesses++;
    return ExitStatus.Unmapped;
  }

  private onVcpuEvent(event: VcpuEvent): void {
    switch (event.kind) {
      case 'console':
        this.console.push(event.bytes);
        break;
      case 'system-reset':
        this.stop(event.type === 'shutdown' ? { kind: 'poweroff' } : { kind: 'reboot' });
        break;
      case 'fatal':
        this.stop({ kind: 'fault', message: event.reason });
        break;
      case 'jit-stats':
        if (Number.isInteger(event.hart) && event.hart >= 0 && event.hart < this.spec.vcpus)
          this.jitStats[event.hart] = event.stats;
        break;
      default:
        break;
    }
  }

  private onFinisher(event: FinisherEvent): void {
    if (event.kind === 'poweroff') this.stop({ kind: 'poweroff' });
    else if (event.kind === 'reset') this.stop({ kind: 'reboot' });
    else this.stop({ kind: 'fault', message: `the guest reported failure code ${event.code}` });
  }

  /** Park every hart outside run() and freeze guest time. */
  async pause(): Promise<void> {
    if (this.stateValue !== 'running')
      throw new MachineError(`cannot pause a machine that is ${this.stateValue}`);
    for (let h = 0; h < this.spec.vcpus; h++) this.signals.setControl(h, HartControl.Pause);
    if (!(await this.table.waitAllParked(PAUSE_TIMEOUT_MS))) {
      for (let h = 0; h < this.spec.vcpus; h++) this.signals.clearControl(h, HartControl.Pause);
      throw new MachineError('vCPUs did not stop within 5 s');
    }
    this.clock.pause();
    this.stateValue = 'paused';
  }

  resume(): void {
    if (this.stateValue !== 'paused')
      throw new MachineError(`cannot resume a machine that is ${this.stateValue}`);
    this.clock.resume();
    this.stateValue = 'running';
    for (let h = 0; h < this.spec.vcpus; h++) this.signals.clearControl(h, HartControl.Pause);
  }

  /** End the machine: every vCPU thread leaves its loop, then the threads are terminated. */
  stop(reason: StopReason): void {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';
    this.table.shutdown();
    for (let h = 0; h < this.spec.vcpus; h++) this.signals.setControl(h, HartControl.Pause);
    this.mailbox.stop();
    this.clock.pause();
    // Give the threads a moment to leave on their own, then make sure they are gone.
    this.ports.scheduler.schedule(50, () => this.threads.forEach((t) => t.terminate()));
    this.ports.log?.(`machine stopped: ${describeStop(reason)}`);
    this.resolveStopped(reason);
  }

  /** Counters for stats panels and the metrics endpoint. */
  metrics() {
    const harts = Array.from({ length: this.spec.vcpus }, (_, h) => {
      const state = new HartState(this.memory, h);
      return {
        hart: h,
        status: this.table.status(h),
        instret: Number(state.instret),
        ...countersAsNumbers(state),
        jit: this.jitStats[h] ?? null,
      };
    });
    return {
      state: this.stateValue,
      jitMode: this.jit.mode,
      uptimeMs: this.startedAtMs ? this.ports.hostNow() - this.startedAtMs : 0,
      bootTimeUs: this.bootTimer.bootTimeUs(),
      harts,
      exits: { answered: [...this.mailbox.answered], unmapped: this.unmappedAccesses },
      plic: { ...this.plic.metrics },
      console: { bytesOut: this.console.bytesOut, droppedInputBytes: this.droppedInputBytes },
    };
  }
}

function countersAsNumbers(state: HartState): Record<string, number> {
  return Object.fromEntries(Object.entries(state.counters()).map(([k, v]) => [k, Number(v)]));
}

export function describeStop(reason: StopReason): string {
  switch (reason.kind) {
    case 'poweroff':
      return 'the guest powered off';
    case 'reboot':
      return 'the guest asked for a reboot';
    case 'fault':
    case 'killed':
      return reason.message;
  }
}
