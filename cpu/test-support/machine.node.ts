// An in-process machine for CPU unit tests: shared memory, one CPU instance per hart (like one
// worker per vCPU), scriptable hooks, and helpers to place code and data in guest RAM.
import { readFileSync } from 'node:fs';
import { buildWasm } from '../build-wasm';
import {
  configureMachine,
  createGuestMemory,
  guestRam,
  HartState,
  instantiateCpu,
  type CpuExports,
  type CpuHooks,
} from '../loader';
import { GUEST_RAM_PHYS_BASE } from '../layout/wasm-memory';

export const RAM_BASE = BigInt(GUEST_RAM_PHYS_BASE);

/** Time a test file may wait for rv64.wasm to be (re)built, e.g. after the FPU sources changed. */
export const CPU_BUILD_TIMEOUT_MS = 300_000;

let compiled: Promise<WebAssembly.Module> | undefined;

/** The CPU module, built on first use if stale and compiled once per test file. */
export function cpuModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(readFileSync(buildWasm()));
  return compiled;
}

export interface MmioAccess {
  hart: number;
  addr: bigint;
  size: number;
  value?: bigint;
}

export interface TestMachine {
  memory: WebAssembly.Memory;
  ram: Uint8Array;
  /** One CPU instance per hart, all on the same memory. */
  cpus: CpuExports[];
  harts: HartState[];
  /** mtime returned by time_now (tests move it by hand). */
  time: { now: bigint };
  mmio: MmioAccess[];
  wfiCalls: bigint[];
  /** Write 32-bit instruction words at a guest physical address. */
  code(addr: bigint, words: number[]): void;
  writeU64(addr: bigint, value: bigint): void;
  readU64(addr: bigint): bigint;
  readU32(addr: bigint): number;
  /** Run hart 0 (or `hart`) for up to `budget` instructions; returns the exit reason. */
  run(budget: number, hart?: number): number;
}

export interface TestMachineOptions {
  harts?: number;
  ramBytes?: number;
  providesSbi?: boolean;
  hooks?: Partial<CpuHooks>;
}

export async function createTestMachine(options: TestMachineOptions = {}): Promise<TestMachine> {
  const ramBytes = options.ramBytes ?? 4 * 1024 * 1024;
  const count = options.harts ?? 1;
  const memory = createGuestMemory(ramBytes);
  configureMachine(memory, { ramBytes, harts: count, providesSbi: options.providesSbi ?? false });
  const ram = guestRam(memory, ramBytes);
  const view = new DataView(memory.buffer, ram.byteOffset, ramBytes);
  const time = { now: 0n };
  const mmio: MmioAccess[] = [];
  const wfiCalls: bigint[] = [];
  const hooks: CpuHooks = {
    mmioRead: (hart, addr, size) => {
      mmio.push({ hart, addr, size });
      return 0n;
    },
    mmioWrite: (hart, addr, size, value) => {
      mmio.push({ hart, addr, size, value });
    },
    sbiCall: () => 0,
    wfi: (_hart, timeout) => {
      wfiCalls.push(timeout);
    },
    timeNow: () => time.now,
    ...options.hooks,
  };
  const module = await cpuModule();
  const cpus: CpuExports[] = [];
  const harts: HartState[] = [];
  for (let h = 0; h < count; h++) {
    cpus.push(await instantiateCpu(module, memory, hooks));
    harts.push(new HartState(memory, h));
    cpus[h]!.hart_reset(h, RAM_BASE, BigInt(h), 0n, 3);
  }
  const offset = (addr: bigint) => Number(addr - RAM_BASE);
  return {
    memory,
    ram,
    cpus,
    harts,
    time,
    mmio,
    wfiCalls,
    code(addr, words) {
      words.forEach((w, i) => view.setUint32(offset(addr) + 4 * i, w >>> 0, true));
    },
    writeU64: (addr, value) => view.setBigUint64(offset(addr), BigInt.asUintN(64, value), true),
    readU64: (addr) => view.getBigUint64(offset(addr), true),
    readU32: (addr) => view.getUint32(offset(addr), true),
    run: (budget, hart = 0) => cpus[hart]!.run(hart, budget),
  };
}

/** pc, instret and x0–x31 of hart 0: what a JIT run must leave exactly as the interpreter does. */
export function integerState(m: TestMachine): bigint[] {
  const h = m.harts[0]!;
  return [h.pc, h.instret, ...Array.from({ length: 32 }, (_, r) => h.x(r))];
}
