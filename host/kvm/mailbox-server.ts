/**
 * The device-thread side of the exit mailbox: waits (without blocking the event loop) for requests
 * from one vCPU worker and performs them on a DeviceAccess. A device that throws is contained: the
 * access is reported as unhandled, which stops the VM with a reason instead of crashing the VMM.
 */
import type { DeviceAccess } from '../engine/engine';
import {
  ACCESS_KIND,
  MAILBOX_SLOT,
  MAILBOX_STATE,
  requestAddress,
  type ExitMailbox,
} from './exit-mailbox';

export class MailboxServer {
  private closed = false;
  /** The last exception a device threw, kept for the stop reason. */
  lastDeviceError: unknown = undefined;

  constructor(
    private readonly mailbox: ExitMailbox,
    private readonly devices: DeviceAccess,
  ) {}

  /** Serves requests until close(); resolves when the loop ends. */
  async serve(): Promise<void> {
    const { header } = this.mailbox;
    while (!this.closed) {
      const state = Atomics.load(header, MAILBOX_SLOT.state);
      if (state === MAILBOX_STATE.request) {
        this.handle();
        continue;
      }
      if (state === MAILBOX_STATE.closed) return;
      const wait = Atomics.waitAsync(header, MAILBOX_SLOT.state, state);
      if (wait.async) await wait.value;
    }
  }

  close(): void {
    this.closed = true;
    Atomics.store(this.mailbox.header, MAILBOX_SLOT.state, MAILBOX_STATE.closed);
    Atomics.notify(this.mailbox.header, MAILBOX_SLOT.state);
  }

  private handle(): void {
    const { header, data } = this.mailbox;
    const size = header[MAILBOX_SLOT.size] ?? 0;
    const bytes = data.subarray(0, size);
    const address = requestAddress(header);
    let handled = false;
    try {
      switch (header[MAILBOX_SLOT.kind]) {
        case ACCESS_KIND.pioRead:
          handled = this.devices.pioRead(address, bytes);
          break;
        case ACCESS_KIND.pioWrite:
          handled = this.devices.pioWrite(address, bytes);
          break;
        case ACCESS_KIND.mmioRead:
          handled = this.devices.mmioRead(address, bytes);
          break;
        case ACCESS_KIND.mmioWrite:
          handled = this.devices.mmioWrite(address, bytes);
          break;
      }
    } catch (error) {
      this.lastDeviceError = error;
      handled = false;
    }
    header[MAILBOX_SLOT.result] = handled ? 1 : 0;
    Atomics.store(header, MAILBOX_SLOT.state, MAILBOX_STATE.reply);
    Atomics.notify(header, MAILBOX_SLOT.state);
  }
}
