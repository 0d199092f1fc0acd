/**
 * The exit-handling loop of one vCPU: runs it, routes port I/O and MMIO to a DeviceAccess and
 * returns the reason the vCPU stopped. Used inside the vCPU worker (with a MailboxClient) and directly
 * in tests that run a vCPU on the calling thread.
 */
import type { DeviceAccess, Vcpu, VmExit } from '../engine/engine';
import { KVM_INTERNAL_ERROR, KVM_SYSTEM_EVENT } from './kvm-constants';

export type StopKind =
  | 'halted'
  | 'shutdown'
  | 'stop-requested'
  | 'unhandled-mmio'
  | 'fail-entry'
  | 'internal-error'
  | 'system-event'
  | 'unknown-exit'
  | 'error';

export interface StopReason {
  readonly kind: StopKind;
  /** A sentence for logs and the API: what happened, with addresses/codes. */
  readonly message: string;
  readonly exits: number;
}

export interface LoopHooks {
  /** Polled before every KVM_RUN. */
  stopRequested(): boolean;
  /** Called when run() came back interrupted (kicked); e.g. to consume the kick signal. */
  onInterrupted?(): void;
}

const hex = (value: number | bigint): `0x${string}` => `0x${value.toString(16)}`;

const INTERNAL_ERROR_NAMES: Record<number, string> = {
  [KVM_INTERNAL_ERROR.EMULATION]: 'instruction emulation failed',
  [KVM_INTERNAL_ERROR.SIMUL_EX]: 'exception while delivering an exception',
  [KVM_INTERNAL_ERROR.DELIVERY_EV]: 'event delivery failed',
  [KVM_INTERNAL_ERROR.UNEXPECTED_EXIT_REASON]: 'unexpected exit reason',
};

const SYSTEM_EVENT_NAMES: Record<number, string> = {
  [KVM_SYSTEM_EVENT.SHUTDOWN]: 'shutdown',
  [KVM_SYSTEM_EVENT.RESET]: 'reset',
  [KVM_SYSTEM_EVENT.CRASH]: 'crash',
};

/** Port I/O: one device call per element of a string (rep ins/outs) access. */
function handleIo(
  exit: Extract<VmExit, { kind: 'io-in' | 'io-out' }>,
  devices: DeviceAccess,
): void {
  for (let i = 0; i < exit.count; i++) {
    const element = exit.data.subarray(i * exit.size, (i + 1) * exit.size);
    if (exit.kind === 'io-out') devices.pioWrite(exit.port, element);
    else devices.pioRead(exit.port, element);
  }
}

/** Handles one exit; returns a StopReason when the vCPU must not run again. */
export function handleExit(
  exit: VmExit,
  devices: DeviceAccess,
  exits: number,
): StopReason | undefined {
  const stop = (kind: StopKind, message: string): StopReason => ({ kind, message, exits });
  switch (exit.kind) {
    case 'io-in':
    case 'io-out':
      handleIo(exit, devices);
      return undefined;
    case 'mmio-read':
    case 'mmio-write': {
      const isWrite = exit.kind === 'mmio-write';
      const ok = isWrite
        ? devices.mmioWrite(exit.address, exit.data)
        : devices.mmioRead(exit.address, exit.data);
      if (ok) return undefined;
      return stop(
        'unhandled-mmio',
        `guest ${isWrite ? 'wrote' : 'read'} ${exit.data.length} bytes at unmapped guest-physical address ${hex(exit.address)} (no RAM or device there)`,
      );
    }
    case 'hlt':
      return stop(
        'halted',
        'guest executed HLT with interrupts it cannot receive (no irqchip): vCPU stopped',
      );
    case 'shutdown':
      return stop('shutdown', 'guest triple-faulted (KVM_EXIT_SHUTDOWN): VM stopped');
    case 'fail-entry':
      return stop(
        'fail-entry',
        `KVM could not enter the guest: hardware entry failure reason ${hex(exit.hardwareReason)} on cpu ${exit.cpu}`,
      );
    case 'internal-error':
      return stop(
        'internal-error',
        `KVM internal error ${exit.suberror} (${INTERNAL_ERROR_NAMES[exit.suberror] ?? 'unknown'}), data [${exit.data.map(hex).join(', ')}]`,
      );
    case 'system-event':
      return stop(
        'system-event',
        `guest requested system ${SYSTEM_EVENT_NAMES[exit.type] ?? `event ${exit.type}`}`,
      );
    case 'interrupted':
      return undefined;
    case 'unknown':
      return stop('unknown-exit', `unexpected KVM exit reason ${exit.reason}`);
  }
}

export function runVcpuLoop(vcpu: Vcpu, devices: DeviceAccess, hooks: LoopHooks): StopReason {
  let exits = 0;
  for (;;) {
    if (hooks.stopRequested())
      return { kind: 'stop-requested', message: 'stopped by the VMM', exits };
    let exit: VmExit;
    try {
      exit = vcpu.run();
    } catch (error) {
      return { kind: 'error', message: `KVM_RUN failed: ${(error as Error).message}`, exits };
    }
    exits++;
    if (exit.kind === 'interrupted') hooks.onInterrupted?.();
    const reason = handleExit(exit, devices, exits);
    if (reason) return reason;
  }
}
