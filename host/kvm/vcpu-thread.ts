/**
 * The VMM-side handle of a vCPU running in its own worker thread (KVM_RUN blocks the calling thread).
 *
 * Design: devices stay in the VMM thread; the worker forwards each port-I/O/MMIO exit through its
 * slot of the VM's exit mailbox (core/vcpu/exit-mailbox.ts via vcpu-exits.ts) and waits until the
 * VMM thread has performed the access. Stopping and pausing set control words and kick the thread
 * out of KVM_RUN with a signal (see vcpu-kick.ts).
 */
import type { Worker } from 'node:worker_threads';
import { CONTROL_SLOT, createControl } from './vcpu-control';
import type { VcpuExitServer } from './vcpu-exits';
import { kick } from './vcpu-kick';
import type { StopReason } from './vcpu-loop';
import type { KvmVcpu } from './vcpu';
import { spawnVcpuWorker } from './vcpu-worker-loader';
import type { VcpuWorkerData, VcpuWorkerMessage } from './vcpu-worker';

const PARK_TIMEOUT_MS = 5000;

export class VcpuThread {
  /** Resolves once with why the vCPU stopped; never rejects. */
  readonly stopped: Promise<StopReason>;
  private readonly control = createControl();
  private readonly worker: Worker;
  private thread: bigint | undefined;
  private finished = false;

  /** `exits` must be serving (and keep serving until `stopped` resolves). */
  constructor(
    vcpu: KvmVcpu,
    mmapSize: number,
    private readonly exits: VcpuExitServer,
    slot = vcpu.id,
  ) {
    const data: VcpuWorkerData = {
      id: vcpu.id,
      vcpuFd: vcpu.fd,
      mmapSize,
      mailbox: exits.buffer,
      slot,
      control: this.control.buffer as SharedArrayBuffer,
    };
    this.worker = spawnVcpuWorker(data);
    this.stopped = new Promise<StopReason>((resolve) => {
      const finish = (reason: StopReason): void => {
        if (this.finished) return;
        this.finished = true;
        resolve(this.withDeviceError(reason));
      };
      this.worker.on('message', (message: VcpuWorkerMessage) => {
        if (message.type === 'ready') {
          this.thread = BigInt(message.thread);
          // A stop or pause requested before the worker was ready still needs its kick.
          if (
            Atomics.load(this.control, CONTROL_SLOT.stopRequested) === 1 ||
            Atomics.load(this.control, CONTROL_SLOT.pauseRequested) === 1
          )
            this.kick();
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
    Atomics.notify(this.control, CONTROL_SLOT.pauseRequested);
    this.kick();
    return this.stopped;
  }

  /** Parks the vCPU outside KVM_RUN; resolves true once it is parked (false if it stopped instead). */
  async pause(): Promise<boolean> {
    Atomics.store(this.control, CONTROL_SLOT.pauseRequested, 1);
    this.kick();
    const deadline = Date.now() + PARK_TIMEOUT_MS;
    while (!this.finished && Atomics.load(this.control, CONTROL_SLOT.parked) === 0) {
      if (Date.now() > deadline) return false;
      const wait = Atomics.waitAsync(this.control, CONTROL_SLOT.parked, 0, 50);
      if (wait.async) await wait.value;
      // The kick can land before the worker blocks the signal; kick again while waiting.
      this.kick();
    }
    return !this.finished;
  }

  resume(): void {
    Atomics.store(this.control, CONTROL_SLOT.pauseRequested, 0);
    Atomics.notify(this.control, CONTROL_SLOT.pauseRequested);
  }

  private kick(): void {
    if (this.thread !== undefined && !this.finished) kick(this.control, this.thread);
  }

  private withDeviceError(reason: StopReason): StopReason {
    const error = this.exits.lastDeviceError;
    if (error === undefined || !reason.message.endsWith('(no RAM or device there)')) return reason;
    // The access was reported unhandled because its device threw, not because nothing is mapped.
    const access = reason.message.replace(/ \(no RAM or device there\)$/, '');
    return { ...reason, message: `${access}: the device there threw: ${(error as Error).message}` };
  }
}
