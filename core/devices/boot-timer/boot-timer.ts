/**
 * Boot timer: Firecracker's pseudo-device that lets a guest say "I have booted". The guest init
 * writes the magic byte 123 at offset 0; the device records the time since the VM started once,
 * logs `Guest-boot-time = N us M ms` and reports it (for the metrics and the UI boot timeline).
 *
 * Platform addresses (one page each, no interrupt):
 * - riscv64: 0x0010_1000 (the page after the SiFive test finisher);
 * - x86_64:  0xd000_0000 (start of the MMIO gap, where Firecracker puts it).
 * The guest finds it through the kernel command line `kindling.boot_timer=0xADDR`
 * (`bootTimerCmdlineArg`), e.g. an init that does `devmem 0x101000 8 123` once userspace is up.
 */
import type { BusDevice } from '../../bus/bus-device';
import { StoreMetric } from '../../metrics/metric';
import type { Clock } from '../../time/clock';

export const BOOT_TIMER_MAGIC = 123;
export const BOOT_TIMER_SIZE = 0x1000;
export const BOOT_TIMER_ADDRESS = {
  riscv64: 0x0010_1000,
  x86_64: 0xd000_0000,
} as const;

export type BootTimerArch = keyof typeof BOOT_TIMER_ADDRESS;

/** The kernel command line argument that tells the guest where the boot timer lives. */
export function bootTimerCmdlineArg(arch: BootTimerArch): string {
  return `kindling.boot_timer=0x${BOOT_TIMER_ADDRESS[arch].toString(16)}`;
}

export interface BootTimeEvent {
  /** Microseconds from VM start to the guest's signal. */
  bootTimeUs: number;
}

export interface BootTimerOptions {
  clock: Clock;
  /** When the VM started, on the same clock (the machine passes the InstanceStart time). */
  vmStartMs: number;
  onBootTime?: (event: BootTimeEvent) => void;
  log?: (line: string) => void;
}

export interface BootTimerState {
  bootTimeUs?: number;
}

export class BootTimer implements BusDevice {
  /** `boot_time_us` for the metrics registry: 0 until the guest signals. */
  readonly metrics = { boot_time_us: new StoreMetric() };
  private recordedUs: number | undefined;

  constructor(private readonly options: BootTimerOptions) {}

  /** The recorded boot time, once the guest has signalled. */
  bootTimeUs(): number | undefined {
    return this.recordedUs;
  }

  read(_offset: number, data: Uint8Array): void {
    data.fill(0);
  }

  write(offset: number, data: Uint8Array): void {
    if (offset !== 0 || data[0] !== BOOT_TIMER_MAGIC || this.recordedUs !== undefined) return;
    const elapsedMs = Math.max(0, this.options.clock.nowMs() - this.options.vmStartMs);
    const us = Math.round(elapsedMs * 1000);
    this.recordedUs = us;
    this.metrics.boot_time_us.set(us);
    this.options.log?.(
      `Guest-boot-time = ${String(us).padStart(6)} us ${Math.floor(us / 1000)} ms`,
    );
    this.options.onBootTime?.({ bootTimeUs: us });
  }

  save(): BootTimerState {
    return this.recordedUs === undefined ? {} : { bootTimeUs: this.recordedUs };
  }

  restore(state: BootTimerState): void {
    const us = state.bootTimeUs;
    this.recordedUs = typeof us === 'number' && Number.isFinite(us) && us >= 0 ? us : undefined;
    this.metrics.boot_time_us.set(this.recordedUs ?? 0);
  }
}
