/**
 * Entry point of a vCPU worker thread: attaches to an already-configured vCPU fd, runs the exit loop
 * with devices reached through the exit mailbox, and reports why it stopped.
 *
 * Messages to the parent: `{ type: 'ready', thread }` (pthread id as a decimal string, for kicks),
 * then exactly one `{ type: 'stopped', reason }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CONTROL_SLOT, mailboxOver } from './exit-mailbox';
import { MailboxClient } from './mailbox-client';
import { pthreadSelf } from './libc';
import { consumeKick, markFinished, prepareKickableThread } from './vcpu-kick';
import { runVcpuLoop, type StopReason } from './vcpu-loop';
import { KvmVcpu } from './vcpu';

export interface VcpuWorkerData {
  readonly id: number;
  readonly vcpuFd: number;
  readonly mmapSize: number;
  readonly mailbox: SharedArrayBuffer;
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
    reason = runVcpuLoop(vcpu, new MailboxClient(mailboxOver(data.mailbox)), {
      stopRequested: () => Atomics.load(control, CONTROL_SLOT.stopRequested) === 1,
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
