/**
 * The VMM-side handle of a vCPU running in its own worker thread (KVM_RUN blocks the calling thread).
 *
 * Design: devices stay in the VMM thread; the worker forwards each port-I/O/MMIO exit through a
 * SharedArrayBuffer mailbox and sleeps (Atomics.wait) until the VMM thread, woken by
 * Atomics.waitAsync, has performed the access. One worker + one mailbox per vCPU, so a VM with
 * several vCPUs and several VMs per process work the same way. Stopping sets a control word and
 * kicks the thread out of KVM_RUN with a signal (see vcpu-kick.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { DeviceAccess } from '../engine/engine';
import { CONTROL_SLOT, createControl, createMailbox } from './exit-mailbox';
import { MailboxServer } from './mailbox-server';
import { kick } from './vcpu-kick';
import type { StopReason } from './vcpu-loop';
import type { KvmVcpu } from './vcpu';
import { spawnVcpuWorker } from './vcpu-worker-loader';
import type { VcpuWorkerData, VcpuWorkerMessage } from './vcpu-worker';

export class VcpuThread {
  /** Resolves once with why the vCPU stopped; never rejects. */
  readonly stopped: Promise<StopReason>;
  private readonly control = createControl();
  private readonly server: MailboxServer;
  private readonly worker: Worker;
  private thread: bigint | undefined;
  private finished = false;

  constructor(vcpu: KvmVcpu, mmapSize: number, devices: DeviceAccess) {
    const mailbox = createMailbox();
    this.server = new MailboxServer(mailbox, devices);
    const data: VcpuWorkerData = {
      id: vcpu.id,
      vcpuFd: vcpu.fd,
      mmapSize,
      mailbox: mailbox.buffer,
      control: this.control.buffer as SharedArrayBuffer,
    };
    this.worker = spawnVcpuWorker(data);
    void this.server.serve();
    this.stopped = new Promise<StopReason>((resolve) => {
      const finish = (reason: StopReason): void => {
        if (this.finished) return;
        this.finished = true;
        this.server.close();
        resolve(this.withDeviceError(reason));
      };
      this.worker.on('message', (message: VcpuWorkerMessage) => {
        if (message.type === 'ready') {
          this.thread = BigInt(message.thread);
          // A stop requested before the worker was ready still needs its kick.
          if (Atomics.load(this.control, CONTROL_SLOT.stopRequested) === 1) this.kick();
        } else finish(message.reason);
      });
      this.worker.on('error', (error) =>
        finish({ kind: 'error', message: `vCPU worker crashed: ${error.message}`, exits: 0 }),
      );
      this.worker.on('exit', (code) =>
        finish({
          kind: 'error',
          message: `vCPU worker exited (code ${code}) without a stop reason`,
          exits: 0,
        }),
      );
    });
  }

  /** Asks the vCPU to stop and kicks it out of KVM_RUN; `stopped` resolves when it has. */
  stop(): Promise<StopReason> {
    Atomics.store(this.control, CONTROL_SLOT.stopRequested, 1);
    this.kick();
    return this.stopped;
  }

  private kick(): void {
    if (this.thread !== undefined && !this.finished) kick(this.control, this.thread);
  }

  private withDeviceError(reason: StopReason): StopReason {
    const error = this.server.lastDeviceError;
    if (error === undefined) return reason;
    // The access was reported unhandled because its device threw, not because nothing is mapped.
    const access = reason.message.replace(/ \(no RAM or device there\)$/, '');
    return { ...reason, message: `${access}: the device there threw: ${(error as Error).message}` };
  }
}
