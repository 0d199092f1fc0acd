/// <reference lib="webworker" />
/**
 * One vCPU of the riscv64 machine in a dedicated module worker (the Node twin is
 * workers/node/vcpu-thread.ts). The VMM worker posts one VcpuInit; the hart then runs until the
 * machine stops it, reporting events back with postMessage.
 */
import { runVcpu, type VcpuEvent, type VcpuInit } from '../common/riscv64/vcpu-runtime';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (message: MessageEvent<VcpuInit>) => {
  scope.onmessage = null; // exactly one init per worker
  const init = message.data;
  const post = (event: VcpuEvent) => scope.postMessage(event);
  runVcpu(init, { hostNow: () => performance.timeOrigin + performance.now(), post }).catch(
    (error: unknown) =>
      post({
        kind: 'fatal',
        hart: init.hart,
        reason: `vCPU worker crashed: ${error instanceof Error ? error.message : String(error)}`,
      }),
  );
};
