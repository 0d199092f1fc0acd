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
import { parseJitSettings, type JitSettings } from '../common/riscv64/jit-settings';

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
  /** The CPU engine when the spec names none (default: KINDLING_JIT, else the interpreter). */
  jit?: JitSettings;
}

/**
 * KINDLING_JIT=off|mixed|always|mixed:N chooses the engine of machines whose spec and options
 * name none (`npm run vm`, the host daemon's WASM engine, benchmarks). A bad value throws.
 */
export function jitFromEnvironment(value = process.env.KINDLING_JIT): JitSettings | undefined {
  if (value === undefined || value === '') return undefined;
  const settings = parseJitSettings(value);
  if (typeof settings === 'string') throw new Error(`KINDLING_JIT: ${settings}`);
  return settings;
}

export function createNodeMachine(
  spec: MachineSpec,
  options: NodeMachineOptions = {},
): Riscv64Machine {
  const module = loadCpuModule();
  const jit = spec.jit ?? options.jit ?? jitFromEnvironment();
  return new Riscv64Machine(jit ? { ...spec, jit } : spec, {
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
      // A vCPU thread keeps almost nothing alive, but its default young generation (up to 16 MiB
      // semi-spaces) fills with exit-path garbage and stays resident: 2 MiB cuts ≈ 10 MiB per VM.
      const worker = startTsWorker(new URL('./vcpu-thread.ts', import.meta.url), init, {
        resourceLimits: { maxYoungGenerationSizeMb: 2 },
      });
      worker.on('message', (event: VcpuEvent) => onEvent(event));
      worker.on('error', (error) =>
        onEvent({ kind: 'fatal', hart: init.hart, reason: `vCPU thread error: ${error.message}` }),
      );
      return { terminate: () => void worker.terminate() };
    },
    ...(options.log ? { log: options.log } : {}),
  });
}
