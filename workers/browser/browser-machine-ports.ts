/**
 * How a riscv64 machine reaches the browser: vCPUs are nested module workers started by the VMM
 * worker, time is performance.now on the shared time origin, entropy is crypto.getRandomValues.
 */
import { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { MachineSpec, VcpuThread } from '../common/riscv64/machine-spec';
import type { VcpuEvent, VcpuInit } from '../common/riscv64/vcpu-runtime';

export function hostNow(): number {
  return performance.timeOrigin + performance.now();
}

export const timeoutScheduler = {
  schedule(delayMs: number, callback: () => void) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

function launchVcpuWorker(init: VcpuInit, onEvent: (event: VcpuEvent) => void): VcpuThread {
  // Written out literally so the bundler finds and bundles the nested worker.
  const worker = new Worker(new URL('./vcpu.worker.ts', import.meta.url), {
    type: 'module',
    name: `kindling-vcpu-${init.hart}`,
  });
  worker.onmessage = (message: MessageEvent<VcpuEvent>) => onEvent(message.data);
  worker.onerror = (error: ErrorEvent) => {
    error.preventDefault();
    onEvent({ kind: 'fatal', hart: init.hart, reason: `vCPU worker error: ${error.message}` });
  };
  worker.onmessageerror = () =>
    onEvent({ kind: 'fatal', hart: init.hart, reason: 'vCPU worker sent an unreadable message' });
  worker.postMessage(init);
  return { terminate: () => worker.terminate() };
}

/** getRandomValues refuses views of shared memory and takes at most 64 KiB per call. */
function fillRandom(buffer: Uint8Array): void {
  const chunk = new Uint8Array(Math.min(buffer.length, 65536));
  for (let at = 0; at < buffer.length; at += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, buffer.length - at));
    crypto.getRandomValues(part);
    buffer.set(part, at);
  }
}

export function createBrowserMachine(
  spec: MachineSpec,
  cpuModule: WebAssembly.Module,
  log?: (line: string) => void,
): Riscv64Machine {
  return new Riscv64Machine(spec, {
    cpuModule,
    hostNow,
    scheduler: timeoutScheduler,
    random: fillRandom,
    launchVcpu: launchVcpuWorker,
    ...(log ? { log } : {}),
  });
}

/** Fetch and compile cpu/build/rv64.wasm (the build puts it next to the worker bundle). */
export async function compileCpuModule(): Promise<WebAssembly.Module> {
  const response = await fetch(new URL('../../cpu/build/rv64.wasm', import.meta.url));
  if (!response.ok) throw new Error(`cannot fetch the CPU module: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}
