/**
 * A minimal single-vCPU x86 machine on the KVM backend: one RAM slot at 0, a guest image, the CPU
 * entered in real, protected or long mode, and core's devices (16550 on COM1 as a console stream,
 * i8042, extra MMIO devices) on core's buses. It is what the test guests run on; the Linux machine
 * (x86-linux-machine.ts) is the full version.
 */
import { PassThrough } from 'node:stream';
import type { BusDevice } from '../../core/bus/bus-device';
import type { KvmSystem } from './kvm-system';
import { VcpuExitServer } from './vcpu-exits';
import { X86Devices } from './x86-devices';
import { runVcpuLoop, type StopReason } from './vcpu-loop';
import { VcpuThread } from './vcpu-thread';
import type { KvmVcpu } from './vcpu';
import { KvmVm } from './vm';
import { bootStructures, regsForEntry, sregsForMode, type CpuMode } from './x86-boot-state';
import { cpuidForVcpu } from './x86-cpuid';
import { bootMsrs } from './x86-msrs';

export interface MmioDeviceMapping {
  readonly base: number;
  readonly size: number;
  readonly device: BusDevice;
}

export interface X86MachineConfig {
  readonly name: string;
  readonly memoryBytes: number;
  readonly image: Uint8Array;
  readonly loadAddress: number;
  readonly mode: CpuMode;
  /** Initial stack pointer; defaults to just below the boot structures' page (0x8000). */
  readonly stack?: number;
  readonly mmioDevices?: readonly MmioDeviceMapping[];
  /**
   * Creates the in-kernel PIC/IOAPIC/LAPIC and PIT (what Linux needs). HLT is then handled inside KVM
   * (the vCPU sleeps until an interrupt) and no longer stops the vCPU.
   */
  readonly inKernelIrqchip?: boolean;
}

/** Intel's 3-page TSS area for real-mode emulation, just below the 4 GiB boundary's BIOS area. */
const TSS_ADDRESS = 0xfffbd000;

export class X86Machine {
  readonly console = new PassThrough();
  /** The guest pulsed the i8042 reset line. */
  resetRequested = false;
  private thread: VcpuThread | undefined;
  private closed = false;

  private constructor(
    readonly vm: KvmVm,
    readonly vcpu: KvmVcpu,
    readonly devices: X86Devices,
  ) {}

  static create(system: KvmSystem, config: X86MachineConfig): X86Machine {
    const { image, loadAddress, memoryBytes } = config;
    if (loadAddress < 0 || loadAddress + image.length > memoryBytes) {
      throw new RangeError(
        `${config.name}: image of ${image.length} bytes at 0x${loadAddress.toString(16)} does not fit in RAM`,
      );
    }
    const vm = KvmVm.create(system, { name: config.name });
    try {
      if (config.inKernelIrqchip) {
        vm.setTssAddress(TSS_ADDRESS);
        vm.createIrqchip();
        vm.createPit2();
      }
      const ram = vm.addMemory(0, memoryBytes);
      for (const [address, bytes] of bootStructures(config.mode)) ram.bytes.set(bytes, address);
      ram.bytes.set(image, loadAddress);
      const vcpu = vm.createVcpu(0);
      vcpu.setCpuid(cpuidForVcpu(system.supportedCpuid(), 0, 1));
      vcpu.setMsrs(bootMsrs());
      vcpu.setSregs(sregsForMode(config.mode, vcpu.getSregs()));
      vcpu.setRegs(regsForEntry(loadAddress, config.stack ?? 0x8000));
      let machine: X86Machine | undefined = undefined;
      const devices = new X86Devices({
        raiseIrq: (gsi, level) => {
          if (config.inKernelIrqchip) vm.setIrqLine(gsi, level);
        },
        onReset: () => {
          if (machine) machine.resetRequested = true;
        },
        output: (bytes) => machine?.console.write(Buffer.from(bytes)),
      });
      for (const mapping of config.mmioDevices ?? [])
        devices.mmio.register(mapping.base, mapping.size, mapping.device);
      machine = new X86Machine(vm, vcpu, devices);
      return machine;
    } catch (error) {
      vm.close();
      throw error;
    }
  }

  /** Starts the vCPU thread; resolves with the stop reason once the vCPU has stopped for good. */
  start(): Promise<StopReason> {
    if (this.thread) return this.thread.stopped;
    const exits = new VcpuExitServer(1, this.devices);
    exits.serve();
    this.thread = new VcpuThread(this.vcpu, this.vm.vcpuMmapSize, exits, 0);
    // Answer exits until the vCPU has left its loop, then stop serving.
    return this.thread.stopped.then((reason) => {
      exits.stop();
      return reason;
    });
  }

  /**
   * Runs the vCPU on the calling thread until it stops by itself (no worker, no mailbox: devices are
   * called directly). Blocks the event loop meanwhile, so only for guests that are known to stop.
   */
  runOnCallingThread(): StopReason {
    if (this.thread) throw new Error(`${this.vm.config.name}: already running in a worker`);
    return runVcpuLoop(this.vcpu, this.devices, { stopRequested: () => this.closed });
  }

  stop(): Promise<StopReason> {
    if (!this.thread)
      return Promise.resolve({ kind: 'stop-requested', message: 'never started', exits: 0 });
    return this.thread.stop();
  }

  /** Stops the vCPU if needed, then frees the VM (fds, run page, RAM). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.thread) await this.thread.stop();
    this.console.end();
    this.vm.close();
  }
}
