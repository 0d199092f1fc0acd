// Portable loader for the RV64 CPU module (browser workers and Node alike: no DOM, no node:).
// Creates the shared guest memory, writes the machine configuration, instantiates rv64.wasm and
// gives typed access to each hart's shared state (cpu/layout/).
import * as W from './layout/wasm-memory';
import * as C from './layout/machine-config';
import * as H from './layout/hart-state';

/** What the platform implements for the CPU (module "env" imports). 64-bit values are bigint. */
export interface CpuHooks {
  /** Device read at a physical address outside RAM and CLINT; size 1, 2, 4 or 8. Signal a bus
   * error with `HartState.signalBusError()` (the CPU raises a load access fault). */
  mmioRead(hart: number, addr: bigint, size: number): bigint;
  mmioWrite(hart: number, addr: bigint, size: number, value: bigint): void;
  /** ECALL from S-mode on a machine that provides SBI: read a0..a7, write a0/a1. 0 = continue,
   * 1 = leave run() with EXIT_SBI_STOP. */
  sbiCall(hart: number): number;
  /** WFI with nothing pending: block until the pending word changes or `timeoutTicks` (10 MHz)
   * pass; -1n means no timer deadline. */
  wfi(hart: number, timeoutTicks: bigint): void;
  /** mtime in 10 MHz ticks, consistent across workers, frozen while paused. */
  timeNow(): bigint;
  /** A spin-wait's PAUSE streak: give the thread up for a moment (absent: go on at once). */
  pauseYield?(hart: number): void;
}

/** Functions exported by rv64.wasm (besides the FPU's). */
export interface CpuExports {
  run(hart: number, budget: number): number;
  hart_reset(hart: number, pc: bigint, a0: bigint, a1: bigint, priv: number): void;
  tlb_flush(hart: number): void;
  translate_address(hart: number, va: bigint, access: number): bigint;
  rvc_expand(half: number): number;
  statics_end(): number;
  /** JIT hooks: slow-path memory access and exceptions for the hart run() selected. */
  jit_load(va: bigint, size: number): bigint;
  jit_store(va: bigint, size: number, value: bigint): void;
  jit_raise(cause: bigint, tval: bigint): void;
  jit_trap_pending(): number;
  /** The JIT dispatcher's interpreter batch (cpu/assembly/index.ts): n instructions or more,
   * counting branch targets when heat > 0; returns an EXIT_* reason (EXIT_JIT_HOT included). */
  jit_interpret(hart: number, n: number, heat: number): number;
  /** Tag suffix (epoch << 4 | mode key) a data / fetch TLB entry must carry to hit. */
  tlb_data_key(): bigint;
  tlb_fetch_key(): bigint;
}

export interface MachineConfig {
  /** Guest RAM in bytes (multiple of 4096, at most 4 GiB minus the low region). */
  ramBytes: number;
  /** Number of harts (1..MAX_HARTS). */
  harts: number;
  /** ECALL from S-mode goes to the sbiCall hook instead of trapping. */
  providesSbi: boolean;
  /** Instructions between interrupt/timer polls (default 1024). */
  pollInterval?: number;
  /** Identical traps at the vector before run() returns EXIT_TRAP_LOOP (default 64). */
  trapLoopLimit?: number;
}

export class CpuConfigError extends Error {
  override name = 'CpuConfigError';
}

export const MAX_RAM_BYTES = W.WASM_MAX_PAGES * W.WASM_PAGE_SIZE - W.GUEST_RAM_WASM_BASE;

/** A shared WebAssembly.Memory large enough for the low region plus `ramBytes` of guest RAM. */
export function createGuestMemory(ramBytes: number): WebAssembly.Memory {
  if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % 4096 !== 0) {
    throw new CpuConfigError(`RAM size must be a positive multiple of 4096 bytes, got ${ramBytes}`);
  }
  if (ramBytes > MAX_RAM_BYTES) {
    throw new CpuConfigError(`RAM size ${ramBytes} exceeds the maximum of ${MAX_RAM_BYTES} bytes`);
  }
  const pages = Math.ceil((W.GUEST_RAM_WASM_BASE + ramBytes) / W.WASM_PAGE_SIZE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Write the machine configuration block. Call once before the first run(). */
export function configureMachine(memory: WebAssembly.Memory, config: MachineConfig): void {
  if (!Number.isInteger(config.harts) || config.harts < 1 || config.harts > W.MAX_HARTS) {
    throw new CpuConfigError(`hart count must be 1..${W.MAX_HARTS}, got ${config.harts}`);
  }
  if (W.GUEST_RAM_WASM_BASE + config.ramBytes > memory.buffer.byteLength) {
    throw new CpuConfigError('guest memory is smaller than the configured RAM size');
  }
  const view = new DataView(memory.buffer, W.MACHINE_CONFIG_BASE, C.CFG_SIZE);
  view.setBigUint64(C.CFG_RAM_SIZE, BigInt(config.ramBytes), true);
  view.setInt32(C.CFG_NUM_HARTS, config.harts, true);
  view.setInt32(C.CFG_FLAGS, config.providesSbi ? C.CFG_FLAG_SBI : 0, true);
  view.setInt32(C.CFG_POLL_INTERVAL, config.pollInterval ?? 0, true);
  view.setInt32(C.CFG_TRAP_LOOP_LIMIT, config.trapLoopLimit ?? 0, true);
}

/** The bytes of guest RAM (guest physical GUEST_RAM_PHYS_BASE is index 0). */
export function guestRam(memory: WebAssembly.Memory, ramBytes: number): Uint8Array {
  return new Uint8Array(memory.buffer, W.GUEST_RAM_WASM_BASE, ramBytes);
}

/** Instantiate the CPU module on `memory` with the platform's hooks. */
export async function instantiateCpu(
  source: WebAssembly.Module | BufferSource,
  memory: WebAssembly.Memory,
  hooks: CpuHooks,
): Promise<CpuExports> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const env = {
    memory,
    mmio_read: (hart: number, addr: bigint, size: number) => hooks.mmioRead(hart, addr, size),
    mmio_write: (hart: number, addr: bigint, size: number, value: bigint) =>
      hooks.mmioWrite(hart, addr, size, value),
    sbi_call: (hart: number) => hooks.sbiCall(hart),
    wfi: (hart: number, timeout: bigint) => hooks.wfi(hart, timeout),
    time_now: () => hooks.timeNow(),
    pause_yield: (hart: number) => hooks.pauseYield?.(hart),
  };
  const instance = await WebAssembly.instantiate(module, { env });
  const exports = instance.exports as unknown as CpuExports;
  if (exports.statics_end() > W.STATICS_LIMIT) {
    throw new CpuConfigError('CPU module statics overlap the shared-state region');
  }
  return exports;
}

/** Names of the per-hart event counters, with their offsets. */
export const HART_COUNTERS = {
  mmioRead: H.HS_COUNT_MMIO_READ,
  mmioWrite: H.HS_COUNT_MMIO_WRITE,
  sbi: H.HS_COUNT_SBI,
  wfi: H.HS_COUNT_WFI,
  interrupts: H.HS_COUNT_INTERRUPTS,
  tlbMiss: H.HS_COUNT_TLB_MISS,
  exceptions: H.HS_COUNT_EXCEPTIONS,
  pauseYields: H.HS_COUNT_PAUSE_YIELDS,
} as const;

export type HartCounters = Record<keyof typeof HART_COUNTERS, bigint>;

/** Typed view of one hart's shared state block: registers, CSRs, counters, control words. */
export class HartState {
  readonly base: number;
  private readonly view: DataView;
  private readonly words: Int32Array;

  constructor(
    memory: WebAssembly.Memory,
    readonly hart: number,
  ) {
    if (!Number.isInteger(hart) || hart < 0 || hart >= W.MAX_HARTS) {
      throw new CpuConfigError(`hart must be 0..${W.MAX_HARTS - 1}, got ${hart}`);
    }
    this.base = W.HART_STATE_BASE + hart * W.HART_STRIDE;
    this.view = new DataView(memory.buffer, this.base, W.HART_STRIDE);
    this.words = new Int32Array(memory.buffer, this.base, W.HART_STRIDE / 4);
  }

  u64(offset: number): bigint {
    return this.view.getBigUint64(offset, true);
  }
  setU64(offset: number, value: bigint): void {
    this.view.setBigUint64(offset, BigInt.asUintN(64, value), true);
  }
  i32(offset: number): number {
    return Atomics.load(this.words, offset >> 2);
  }

  x(reg: number): bigint {
    return reg === 0 ? 0n : this.u64(H.HS_X + 8 * (reg & 31));
  }
  setX(reg: number, value: bigint): void {
    if (reg !== 0) this.setU64(H.HS_X + 8 * (reg & 31), value);
  }
  f(reg: number): bigint {
    return this.u64(H.HS_F + 8 * (reg & 31));
  }
  setF(reg: number, value: bigint): void {
    this.setU64(H.HS_F + 8 * (reg & 31), value);
  }
  get pc(): bigint {
    return this.u64(H.HS_PC);
  }
  set pc(value: bigint) {
    this.setU64(H.HS_PC, value);
  }
  get priv(): number {
    return this.i32(H.HS_PRIV);
  }
  get instret(): bigint {
    return this.u64(H.HS_MINSTRET);
  }
  /** A CSR slot by its HS_* offset (e.g. HS_MCAUSE). */
  csr(offset: number): bigint {
    return this.u64(offset);
  }
  setCsr(offset: number, value: bigint): void {
    this.setU64(offset, value);
  }

  counters(): HartCounters {
    const out = {} as HartCounters;
    for (const [name, offset] of Object.entries(HART_COUNTERS)) {
      out[name as keyof HartCounters] = this.u64(offset);
    }
    return out;
  }
  trapsByCause(): bigint[] {
    return Array.from({ length: H.HS_COUNT_ARRAY_LEN }, (_, i) =>
      this.u64(H.HS_COUNT_TRAP_BY_CAUSE + 8 * i),
    );
  }
  interruptsByCause(): bigint[] {
    return Array.from({ length: H.HS_COUNT_ARRAY_LEN }, (_, i) =>
      this.u64(H.HS_COUNT_IRQ_BY_CAUSE + 8 * i),
    );
  }

  /** Int32Array index of the pending-interrupt word, for Atomics.wait in a wfi hook. */
  get pendingIndex(): number {
    return (this.base + H.HS_PENDING) >> 2;
  }
  /** Raise interrupt-pending bits (MIP_* positions: MSIP 3, SSIP 1, SEIP 9, MEIP 11). */
  raiseInterrupt(bits: number): void {
    Atomics.or(this.words, H.HS_PENDING >> 2, bits);
    Atomics.notify(this.words, H.HS_PENDING >> 2);
  }
  lowerInterrupt(bits: number): void {
    Atomics.and(this.words, H.HS_PENDING >> 2, ~bits);
  }
  /** Ask run() to return EXIT_STOP_REQUESTED at the next poll point (wakes a hart in WFI). */
  requestStop(): void {
    Atomics.store(this.words, H.HS_CONTROL >> 2, 1);
    Atomics.notify(this.words, H.HS_PENDING >> 2);
  }
  clearStop(): void {
    Atomics.store(this.words, H.HS_CONTROL >> 2, 0);
  }
  /** Called from an mmio hook: the access becomes an access-fault exception. */
  signalBusError(): void {
    Atomics.store(this.words, H.HS_BUS_ERROR >> 2, 1);
  }
}
