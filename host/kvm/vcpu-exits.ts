/**
 * Port-I/O and MMIO exits from vCPU worker threads to the VMM thread, over core's exit mailbox
 * (`core/vcpu/exit-mailbox.ts`, the one the riscv64 machine uses: one slot per vCPU, one server).
 *
 * Core's mailbox carries {kind, address, 1–8 bytes}; x86's second address space (ports) travels as
 * the PortRead/PortWrite kinds. String I/O (`rep outsb`) is split into one exchange per element by
 * the exit loop (vcpu-loop.ts), so no transfer exceeds 8 bytes.
 */
import {
  ExitKind,
  ExitMailboxClient,
  ExitMailboxServer,
  ExitStatus,
  createExitMailboxBuffer,
} from '../../core/vcpu/exit-mailbox';
import type { DeviceAccess } from '../engine/engine';

type AccessSize = 1 | 2 | 4 | 8;
const isAccessSize = (n: number): n is AccessSize => n === 1 || n === 2 || n === 4 || n === 8;

/** The vCPU-worker side: a DeviceAccess whose calls block until the VMM thread has answered. */
export class MailboxDeviceAccess implements DeviceAccess {
  private readonly client: ExitMailboxClient;

  constructor(buffer: SharedArrayBuffer, slot: number) {
    this.client = new ExitMailboxClient(buffer, slot);
  }

  pioRead(port: number, data: Uint8Array): boolean {
    return this.exchange(ExitKind.PortRead, port, data);
  }
  pioWrite(port: number, data: Uint8Array): boolean {
    return this.exchange(ExitKind.PortWrite, port, data);
  }
  mmioRead(address: number, data: Uint8Array): boolean {
    return this.exchange(ExitKind.Read, address, data);
  }
  mmioWrite(address: number, data: Uint8Array): boolean {
    return this.exchange(ExitKind.Write, address, data);
  }

  private exchange(kind: ExitKind, address: number, data: Uint8Array): boolean {
    const size = data.length;
    if (!isAccessSize(size)) return false;
    const bytes = this.client.view(size);
    const write = kind === ExitKind.Write || kind === ExitKind.PortWrite;
    if (write) bytes.set(data);
    const status = this.client.exchange(kind, address, size);
    if (!write) data.set(bytes);
    return status === ExitStatus.Ok;
  }
}

/** The VMM side: serves every vCPU's slot on `devices`; a device that throws is contained. */
export class VcpuExitServer {
  readonly buffer: SharedArrayBuffer;
  private readonly server: ExitMailboxServer;
  /** The last exception a device threw (the access was reported unhandled), for stop reasons. */
  lastDeviceError: unknown = undefined;

  constructor(
    readonly slots: number,
    private readonly devices: DeviceAccess,
  ) {
    this.buffer = createExitMailboxBuffer(slots);
    this.server = new ExitMailboxServer(this.buffer, slots);
  }

  /** Exits answered so far, per vCPU. */
  get answered(): readonly number[] {
    return this.server.answered;
  }

  serve(): void {
    void this.server.serve((_slot, kind, address, data) => this.handle(kind, address, data));
  }

  /** Only once every vCPU thread has left its loop: a vCPU waiting on an unanswered slot would hang. */
  stop(): void {
    this.server.stop();
  }

  private handle(kind: ExitKind, address: number, data: Uint8Array): ExitStatus {
    let ok: boolean;
    try {
      switch (kind) {
        case ExitKind.PortRead:
          ok = this.devices.pioRead(address, data);
          break;
        case ExitKind.PortWrite:
          ok = this.devices.pioWrite(address, data);
          break;
        case ExitKind.Read:
          ok = this.devices.mmioRead(address, data);
          break;
        case ExitKind.Write:
          ok = this.devices.mmioWrite(address, data);
          break;
        default:
          ok = false;
      }
    } catch (error) {
      this.lastDeviceError = error;
      ok = false;
    }
    return ok ? ExitStatus.Ok : ExitStatus.Unmapped;
  }
}
