/** A vCPU of the riscv64 machine in a Node worker_thread (the browser twin is workers/browser). */
import { parentPort, workerData } from 'node:worker_threads';
import { runVcpu, type VcpuInit } from '../common/riscv64/vcpu-runtime';

const port = parentPort;
if (!port) throw new Error('vcpu-thread.ts must run as a worker_thread');

runVcpu(workerData as VcpuInit, {
  hostNow: () => performance.timeOrigin + performance.now(),
  post: (event) => port.postMessage(event),
}).catch((error: unknown) => {
  port.postMessage({
    kind: 'fatal',
    hart: (workerData as VcpuInit).hart,
    reason: `vCPU thread crashed: ${error instanceof Error ? error.message : String(error)}`,
  });
});
