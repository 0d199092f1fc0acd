/**
 * An x86_64 Linux microVM on KVM: guest RAM (split around the 32-bit MMIO hole), the in-kernel
 * irqchip (PIC + IOAPIC + LAPICs) and PIT, core's devices (16550, i8042, virtio-mmio) on core's buses,
 * the Linux boot plan (bzImage or PVH vmlinux, boot_params/start info, e820, MP table, command line
 * announcing every virtio slot), and one worker thread per vCPU. Devices stay on the calling (VMM)
 * thread; exits reach them through core's exit mailbox.
 *
 * The machine ends when the guest resets through the i8042 (`reboot=k`: Firecracker stops the
 * microVM rather than rebooting it), when a vCPU stops on its own (triple fault, emulation failure,
 * unmapped MMIO…), or when `stop()` is called.
 */
import { webcrypto } from 'node:crypto';
import { DEFAULT_X86_64_CMDLINE, linuxCmdline } from '../../core/arch/x86_64/kernel-cmdline';
import { ramRegions } from '../../core/arch/x86_64/boot/e820';
import { ConsoleStream } from '../../core/console/console-stream';
import {
  BOOT_TIMER_ADDRESS,
  BOOT_TIMER_SIZE,
  BootTimer,
  bootTimerCmdlineArg,
} from '../../core/devices/boot-timer/boot-timer';
import type { BlockBackend } from '../../core/devices/virtio/blk/backend';
import { BlockDevice } from '../../core/devices/virtio/blk/device';
import { NetDevice } from '../../core/devices/virtio/net/device';
import { RngDevice } from '../../core/devices/virtio/rng/device';
import { GuestMemory, toGuestAddress } from '../../core/memory';
import type { MmdsConfig } from '../../core/mmds/config';
import { MmdsNetwork } from '../../core/mmds/network/mmds-network';
import type { MmdsStore } from '../../core/mmds/store';
import type { KvmSystem } from './kvm-system';
import { planLinuxBoot, type LinuxBootPlan } from './linux-boot/linux-boot-plan';
import { VcpuExitServer } from './vcpu-exits';
import type { StopReason } from './vcpu-loop';
import { VcpuThread } from './vcpu-thread';
import { KvmVm } from './vm';
import { sregsForMode } from './x86-boot-state';
import { cpuidForVcpu } from './x86-cpuid';
import { X86Devices } from './x86-devices';
import { withLegacyLint } from './x86-lapic';
import { bootMsrs } from './x86-msrs';

export interface X86LinuxMachineConfig {
  readonly name: string;
  readonly memoryBytes: number;
  readonly vcpus: number;
  readonly kernel: Uint8Array;
  readonly initrd?: Uint8Array;
  /** The user's boot_args; `virtio_mmio.device=` entries are appended. */
  readonly bootArgs?: string;
  readonly drives?: readonly { readonly id: string; readonly backend: BlockBackend }[];
  readonly nets?: readonly { readonly id: string; readonly mac: Uint8Array }[];
  readonly entropy?: boolean;
  /** The MMDS answers the guest on the interfaces `config` lists (the store is the API's). */
  readonly mmds?: { readonly store: MmdsStore; readonly config: MmdsConfig };
  /** Map the boot timer at 0xd0000000 and announce it with `kindling.boot_timer=` (Firecracker's). */
  readonly bootTimer?: boolean;
  /** Log lines from devices (the boot timer's "Guest-boot-time = …"). */
  readonly log?: (line: string) => void;
}

export type MachineStopKind = 'reboot' | 'fault' | 'killed';
export interface MachineStop {
  readonly kind: MachineStopKind;
  readonly message: string;
}

/** Intel's 3-page TSS and the identity-map page, in the MMIO hole where no RAM slot is. */
const TSS_ADDRESS = 0xfffbd000;
const IDENTITY_MAP_ADDRESS = 0xfffbc000;
const INPUT_QUEUE_LIMIT = 64 * 1024;

export class X86LinuxMachine {
  readonly console = new ConsoleStream();
  readonly stopped: Promise<MachineStop>;
  readonly devices: X86Devices;
  readonly plan: LinuxBootPlan;
  readonly cmdline: string;
  readonly guestMemory: GuestMemory;
  /** The MMDS as the guest reaches it over virtio-net (if configured). */
  readonly mmds: MmdsNetwork | undefined;
  readonly bootTimer: BootTimer;
  private readonly exits: VcpuExitServer;
  private readonly threads: VcpuThread[] = [];
  private resolveStopped!: (stop: MachineStop) => void;
  private state: 'created' | 'running' | 'paused' | 'stopped' = 'created';
  private input: Uint8Array[] = [];
  private inputBytes = 0;
  private startedAt = 0;
  droppedInputBytes = 0;

  private constructor(
    readonly vm: KvmVm,
    readonly config: X86LinuxMachineConfig,
    system: KvmSystem,
  ) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    vm.setTssAddress(TSS_ADDRESS);
    vm.setIdentityMapAddress(IDENTITY_MAP_ADDRESS);
    vm.createIrqchip();
    vm.createPit2();
    const regions = ramRegions(config.memoryBytes).map(([address, size]) =>
      vm.addMemory(address, size),
    );
    this.guestMemory = new GuestMemory(
      regions.map((r) => ({ start: toGuestAddress(r.guestAddress), bytes: r.bytes })),
    );
    this.devices = new X86Devices({
      raiseIrq: (gsi, level) => vm.setIrqLine(gsi, level),
      onReset: () => this.finish({ kind: 'reboot', message: 'the guest reset through the i8042' }),
      output: (bytes) => this.console.push(bytes),
      onInputSpace: () => this.feedInput(),
    });
    this.console.onInput((bytes) => this.queueInput(bytes));
    this.bootTimer = new BootTimer({
      // Time since start(): the boot timer reports from InstanceStart, not from construction.
      clock: { nowMs: () => performance.now() - this.startedAt },
      vmStartMs: 0,
      ...(config.log ? { log: config.log } : {}),
    });
    if (config.bootTimer)
      this.devices.mmio.register(
        BOOT_TIMER_ADDRESS.x86_64,
        BOOT_TIMER_SIZE,
        this.bootTimer,
        'boot-timer',
      );
    for (const drive of config.drives ?? []) {
      const device = new BlockDevice(drive.backend, { id: drive.id });
      this.devices.addVirtio(`virtio-blk:${drive.id}`, device, this.guestMemory);
    }
    const random = (buffer: Uint8Array): void => void webcrypto.getRandomValues(buffer);
    const scheduler = {
      schedule(delayMs: number, callback: () => void) {
        const timer = setTimeout(callback, delayMs);
        return () => clearTimeout(timer);
      },
    };
    this.mmds = config.mmds
      ? new MmdsNetwork({
          ...config.mmds,
          clock: { nowMs: () => performance.timeOrigin + performance.now() },
          scheduler,
          random,
        })
      : undefined;
    for (const net of config.nets ?? []) {
      const device = new NetDevice({ mac: net.mac, scheduler });
      if (this.mmds?.servesInterface(net.id)) this.mmds.attach(net.id, device);
      this.devices.addVirtio(`virtio-net:${net.id}`, device, this.guestMemory);
    }
    if (config.entropy) {
      const rng = new RngDevice(random);
      this.devices.addVirtio('virtio-rng', rng, this.guestMemory);
    }
    const slots = this.devices.virtio.map((v) => v.slot);
    const bootArgs = config.bootTimer
      ? `${config.bootArgs ?? DEFAULT_X86_64_CMDLINE} ${bootTimerCmdlineArg('x86_64')}`
      : config.bootArgs;
    this.cmdline = linuxCmdline(bootArgs, slots);
    this.plan = planLinuxBoot({
      kernel: config.kernel,
      memoryBytes: config.memoryBytes,
      cmdline: this.cmdline,
      cpus: config.vcpus,
      levelTriggeredPins: slots.map((slot) => slot.irq),
      ...(config.initrd ? { initrd: config.initrd } : {}),
    });
    for (const [address, bytes] of this.plan.writes)
      this.guestMemory.write(toGuestAddress(address), bytes);
    this.exits = new VcpuExitServer(config.vcpus, this.devices);
    const supported = system.supportedCpuid();
    for (let id = 0; id < config.vcpus; id++) {
      const vcpu = vm.createVcpu(id);
      vcpu.setCpuid(cpuidForVcpu(supported, id, config.vcpus));
      vcpu.setMsrs(bootMsrs());
      vcpu.setLapic(withLegacyLint(vcpu.getLapic()));
      // Only the bootstrap processor gets an entry state; the others wait for INIT/SIPI in KVM.
      if (id === 0) {
        vcpu.setSregs(sregsForMode(this.plan.mode, vcpu.getSregs()));
        vcpu.setRegs(this.plan.regs);
      }
    }
  }

  /** Builds the VM; throws (with the VM freed) if the kernel, sizes or KVM refuse. */
  static create(system: KvmSystem, config: X86LinuxMachineConfig): X86LinuxMachine {
    if (!Number.isInteger(config.vcpus) || config.vcpus < 1 || config.vcpus > 32)
      throw new RangeError(`vcpu_count must be 1..32, got ${config.vcpus}`);
    const vm = KvmVm.create(system, { name: config.name });
    try {
      return new X86LinuxMachine(vm, config, system);
    } catch (error) {
      vm.close();
      throw error;
    }
  }

  get running(): boolean {
    return this.state === 'running' || this.state === 'paused';
  }

  get machineState(): string {
    return this.state;
  }

  start(): void {
    if (this.state !== 'created') throw new Error(`cannot start a machine that is ${this.state}`);
    this.state = 'running';
    this.startedAt = performance.now();
    this.exits.serve();
    for (const vcpu of this.vm.vcpuList) {
      const thread = new VcpuThread(vcpu, this.vm.vcpuMmapSize, this.exits, vcpu.id);
      this.threads.push(thread);
      void thread.stopped.then((reason) => this.onVcpuStopped(vcpu.id, reason));
    }
  }

  async pause(): Promise<void> {
    if (this.state !== 'running') throw new Error(`cannot pause a machine that is ${this.state}`);
    const parked = await Promise.all(this.threads.map((t) => t.pause()));
    if (parked.includes(false)) {
      this.threads.forEach((t) => t.resume());
      throw new Error('vCPUs did not stop within 5 s');
    }
    this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') throw new Error(`cannot resume a machine that is ${this.state}`);
    this.state = 'running';
    this.threads.forEach((t) => t.resume());
  }

  /** Ctrl-Alt-Del through the i8042 (the API's SendCtrlAltDel). */
  sendCtrlAltDel(): void {
    if (!this.devices.i8042.sendCtrlAltDel())
      throw new Error('the i8042 output buffer is full: the guest is not reading its keyboard');
  }

  /** Ends the machine; resolves once every vCPU thread has stopped. */
  async stop(message = 'stopped by the VMM'): Promise<void> {
    this.finish({ kind: 'killed', message });
    await this.stopped;
  }

  /** Stops, then frees the VM (fds, RAM). Guest memory views must not be used afterwards. */
  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.threads.map((t) => t.stopped));
    this.exits.stop();
    this.vm.close();
  }

  metrics() {
    return {
      state: this.state,
      uptimeMs: this.startedAt ? Math.round(performance.now() - this.startedAt) : 0,
      vcpus: this.config.vcpus,
      bootTimeUs: this.bootTimer.bootTimeUs(),
      exits: { answered: [...this.exits.answered], unclaimedPorts: this.devices.unclaimedPorts },
      console: { bytesOut: this.console.bytesOut, droppedInputBytes: this.droppedInputBytes },
    };
  }

  private onVcpuStopped(id: number, reason: StopReason): void {
    if (reason.kind === 'stop-requested') return;
    this.finish({ kind: 'fault', message: `vCPU ${id}: ${reason.message}` });
  }

  /** First reason wins; every vCPU is stopped, then the exit server. */
  private finish(stop: MachineStop): void {
    if (this.state === 'stopped') return;
    const wasStarted = this.state !== 'created';
    this.state = 'stopped';
    if (!wasStarted) {
      this.resolveStopped(stop);
      return;
    }
    void Promise.all(this.threads.map((t) => t.stop())).then(() => {
      this.exits.stop();
      this.resolveStopped(stop);
    });
  }

  /** Console input waits here until the UART's FIFO has room; bounded, the excess is counted. */
  private queueInput(bytes: Uint8Array): void {
    if (this.inputBytes + bytes.length > INPUT_QUEUE_LIMIT) {
      this.droppedInputBytes += bytes.length;
      return;
    }
    this.input.push(bytes.slice());
    this.inputBytes += bytes.length;
    this.feedInput();
  }

  private feedInput(): void {
    while (this.input.length > 0) {
      const head = this.input[0]!;
      const taken = this.devices.uart.enqueueInput(head);
      this.inputBytes -= taken;
      if (taken < head.length) {
        this.input[0] = head.subarray(taken);
        return;
      }
      this.input.shift();
    }
  }
}
