/**
 * The riscv64 machine hosted by Node: vCPUs in worker_threads, the VMM on the calling thread.
 * Used by `npm run vm`, the host daemon's WASM engine, integration tests and benchmarks.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTsWorker } from './ts-worker';
import { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { MachineSpec } from '../common/riscv64/machine-spec';
import type { VcpuEvent } from '../common/riscv64/vcpu-runtime';

const CPU_WASM = new URL('../../cpu/build/rv64.wasm', import.meta.url);

let cachedModule: WebAssembly.Module | undefined;

/** The compiled CPU, built first if the build is missing or stale (cpu/build-wasm.ts decides). */
export function loadCpuModule(): WebAssembly.Module {
  if (cachedModule) return cachedModule;
  const build = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../../cpu/build-wasm.ts', import.meta.url))],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (build.status !== 0) throw new Error('building cpu/build/rv64.wasm failed');
  cachedModule = new WebAssembly.Module(readFileSync(CPU_WASM));
  return cachedModule;
}

export interface NodeMachineOptions {
  log?: (line: string) => void;
}

export function createNodeMachine(
  spec: MachineSpec,
  options: NodeMachineOptions = {},
): Riscv64Machine {
  const module = loadCpuModule();
  return new Riscv64Machine(spec, {
    cpuModule: module,
    hostNow: () => performance.timeOrigin + performance.now(),
    scheduler: {
      schedule(delayMs, callback) {
        const timer = setTimeout(callback, delayMs);
        return () => clearTimeout(timer);
      },
    },
    random: (buf) => webcrypto.getRandomValues(buf),
    launchVcpu(init, onEvent) {
      const worker = startTsWorker(new URL('./vcpu-thread.ts', import.meta.url), init);
      worker.on('message', (event: VcpuEvent) => onEvent(event));
      worker.on('error', (error) =>
        onEvent({ kind: 'fatal', hart: init.hart, reason: `vCPU thread error: ${error.message}` }),
      );
      return { terminate: () => void worker.terminate() };
    },
    ...(options.log ? { log: options.log } : {}),
  });
}
