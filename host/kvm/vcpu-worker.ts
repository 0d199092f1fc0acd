/**
 * Entry point of a vCPU worker thread: attaches to an already-configured vCPU fd, runs the exit loop
 * with devices reached through the exit mailbox, and reports why it stopped.
 *
 * Messages to the parent: `{ type: 'ready', thread }` (pthread id as a decimal string, for kicks),
 * then exactly one `{ type: 'stopped', reason }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CONTROL_SLOT, parkWhilePaused } from './vcpu-control';
import { MailboxDeviceAccess } from './vcpu-exits';
import { pthreadSelf } from './libc';
import { consumeKick, markFinished, prepareKickableThread } from './vcpu-kick';
import { runVcpuLoop, type StopReason } from './vcpu-loop';
import { KvmVcpu } from './vcpu';

export interface VcpuWorkerData {
  readonly id: number;
  readonly vcpuFd: number;
  readonly mmapSize: number;
  /** core's exit mailbox, shared by every vCPU of the VM; this vCPU uses slot `slot`. */
  readonly mailbox: SharedArrayBuffer;
  readonly slot: number;
  readonly control: SharedArrayBuffer;
}

export type VcpuWorkerMessage =
  | { readonly type: 'ready'; readonly thread: string }
  | { readonly type: 'stopped'; readonly reason: StopReason };

function main(): void {
  const data = workerData as VcpuWorkerData;
  const control = new Int32Array(data.control);
  const post = (message: VcpuWorkerMessage): void => parentPort?.postMessage(message);
  let reason: StopReason;
  let vcpu: KvmVcpu | undefined;
  try {
    vcpu = KvmVcpu.attach(data.id, data.vcpuFd, data.mmapSize, false);
    const kickSet = prepareKickableThread(vcpu);
    post({ type: 'ready', thread: pthreadSelf().toString() });
    reason = runVcpuLoop(vcpu, new MailboxDeviceAccess(data.mailbox, data.slot), {
      stopRequested: () => {
        parkWhilePaused(control);
        return Atomics.load(control, CONTROL_SLOT.stopRequested) === 1;
      },
      onInterrupted: () => consumeKick(kickSet),
    });
  } catch (error) {
    reason = {
      kind: 'error',
      message: `vCPU ${data.id} worker failed: ${(error as Error).message}`,
      exits: 0,
    };
  }
  markFinished(control);
  vcpu?.close();
  post({ type: 'stopped', reason });
}

main();
