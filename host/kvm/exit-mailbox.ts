/**
 * The SharedArrayBuffer mailbox through which a vCPU worker hands device accesses to the thread that
 * owns the devices, and the control words the VMM uses to stop a vCPU. Layout defined once, here.
 *
 * Protocol: the worker fills the request, stores STATE = REQUEST and sleeps in Atomics.wait until
 * STATE changes; the device thread (woken by Atomics.waitAsync) performs the access on the DATA bytes
 * in place, stores RESULT and STATE = REPLY and notifies; the worker copies DATA back into kvm_run
 * for reads and stores STATE = IDLE.
 */

export const MAILBOX_STATE = { idle: 0, request: 1, reply: 2, closed: 3 } as const;
export const ACCESS_KIND = { pioRead: 0, pioWrite: 1, mmioRead: 2, mmioWrite: 3 } as const;
export type AccessKind = (typeof ACCESS_KIND)[keyof typeof ACCESS_KIND];

/** Int32 slots of the header. */
export const MAILBOX_SLOT = {
  state: 0,
  kind: 1,
  addressLow: 2,
  addressHigh: 3,
  /** Bytes of one access (1, 2, 4, 8). */
  size: 4,
  /** Number of consecutive accesses (string port I/O), each `size` bytes. */
  count: 5,
  /** 1 = handled, 0 = nothing mapped there. */
  result: 6,
} as const;
const HEADER_BYTES = 64;
/** Largest transfer: string I/O data lives in one page of kvm_run. */
export const MAILBOX_DATA_BYTES = 4096;

/** Control words, in a separate SharedArrayBuffer the VMM writes and the worker polls between runs. */
export const CONTROL_SLOT = { stopRequested: 0 } as const;

export interface ExitMailbox {
  readonly buffer: SharedArrayBuffer;
  readonly header: Int32Array;
  readonly data: Uint8Array;
}

export function createMailbox(): ExitMailbox {
  return mailboxOver(new SharedArrayBuffer(HEADER_BYTES + MAILBOX_DATA_BYTES));
}

export function mailboxOver(buffer: SharedArrayBuffer): ExitMailbox {
  return {
    buffer,
    header: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    data: new Uint8Array(buffer, HEADER_BYTES, MAILBOX_DATA_BYTES),
  };
}

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(16));
}

export function requestAddress(header: Int32Array): number {
  const low = header[MAILBOX_SLOT.addressLow] ?? 0;
  const high = header[MAILBOX_SLOT.addressHigh] ?? 0;
  return (high >>> 0) * 0x1_0000_0000 + (low >>> 0);
}

export function setRequestAddress(header: Int32Array, address: number): void {
  header[MAILBOX_SLOT.addressLow] = address >>> 0;
  header[MAILBOX_SLOT.addressHigh] = Math.floor(address / 0x1_0000_0000) >>> 0;
}
