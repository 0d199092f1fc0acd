/**
 * The vCPU-worker side of the exit mailbox: a DeviceAccess whose calls block the worker until the
 * device thread has performed the access.
 */
import type { DeviceAccess } from '../engine/engine';
import {
  ACCESS_KIND,
  MAILBOX_DATA_BYTES,
  MAILBOX_SLOT,
  MAILBOX_STATE,
  setRequestAddress,
  type AccessKind,
  type ExitMailbox,
} from './exit-mailbox';

/** Spins this many times before sleeping: a reply often arrives within microseconds. */
const SPIN_BEFORE_WAIT = 2000;

export class MailboxClient implements DeviceAccess {
  constructor(private readonly mailbox: ExitMailbox) {}

  pioRead(port: number, data: Uint8Array): boolean {
    return this.call(ACCESS_KIND.pioRead, port, data, true);
  }
  pioWrite(port: number, data: Uint8Array): boolean {
    return this.call(ACCESS_KIND.pioWrite, port, data, false);
  }
  mmioRead(address: number, data: Uint8Array): boolean {
    return this.call(ACCESS_KIND.mmioRead, address, data, true);
  }
  mmioWrite(address: number, data: Uint8Array): boolean {
    return this.call(ACCESS_KIND.mmioWrite, address, data, false);
  }

  private call(kind: AccessKind, address: number, data: Uint8Array, isRead: boolean): boolean {
    const { header } = this.mailbox;
    if (data.length > MAILBOX_DATA_BYTES) return false;
    if (Atomics.load(header, MAILBOX_SLOT.state) === MAILBOX_STATE.closed) return false;
    header[MAILBOX_SLOT.kind] = kind;
    setRequestAddress(header, address);
    header[MAILBOX_SLOT.size] = data.length;
    header[MAILBOX_SLOT.count] = 1;
    if (!isRead) this.mailbox.data.set(data);
    Atomics.store(header, MAILBOX_SLOT.state, MAILBOX_STATE.request);
    Atomics.notify(header, MAILBOX_SLOT.state);
    let spins = 0;
    while (Atomics.load(header, MAILBOX_SLOT.state) === MAILBOX_STATE.request) {
      if (++spins > SPIN_BEFORE_WAIT)
        Atomics.wait(header, MAILBOX_SLOT.state, MAILBOX_STATE.request);
    }
    if (Atomics.load(header, MAILBOX_SLOT.state) !== MAILBOX_STATE.reply) return false;
    const handled = header[MAILBOX_SLOT.result] === 1;
    if (isRead) data.set(this.mailbox.data.subarray(0, data.length));
    Atomics.store(header, MAILBOX_SLOT.state, MAILBOX_STATE.idle);
    return handled;
  }
}
