// A minimal bare-metal RISC-V machine around the CPU module: RAM, test finisher, UART THR/LSR,
// CLINT (inside the CPU); anything else is an access fault. Used by `npm run rv` and the tests.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildWasm } from '../build-wasm';
import {
  configureMachine,
  createGuestMemory,
  guestRam,
  HartState,
  instantiateCpu,
  type CpuExports,
} from '../loader';
import { loadElf } from '../elf';
import * as X from '../layout/exit-reasons';
import { GUEST_RAM_PHYS_BASE } from '../layout/wasm-memory';
import { TEST_FINISHER_BASE, UART_BASE, UART_SIZE } from '../layout/memory-map';
import { HS_EXIT_DETAIL, HS_LAST_TRAP_PC } from '../layout/hart-state';
import { createHartRunner, type JitMode } from '../jit/hart-runner';
import type { JitStats } from '../jit/jit-hart';

export type BareOutcome = 'pass' | 'fail' | 'reset' | 'limit' | 'trap-loop' | 'fatal';

export interface BareResult {
  outcome: BareOutcome;
  /** Process exit code the runner uses for this outcome. */
  exitCode: number;
  /** One-line explanation (empty for pass). */
  message: string;
  instructions: bigint;
  seconds: number;
  /** The JIT's counters at the end (undefined with the interpreter alone). */
  jit?: JitStats;
}

export interface BareOptions {
  ramMiB?: number;
  /** Stop with outcome 'limit' after this many instructions (default: no limit). */
  maxInsns?: number;
  /** Print this many traced instructions through onTrace before running at full speed. */
  traceSteps?: number;
  onOutput?: (text: string) => void;
  onTrace?: (line: string) => void;
  /** CPU module bytes (default: cpu/build/rv64.wasm, built if stale). */
  wasm?: Uint8Array;
  /** Interpreter only ('off', the default) or with the JIT (after any traced steps). */
  jit?: JitMode;
  /** Block entries before translation in 'mixed' mode. */
  jitThreshold?: number;
}

export const EXIT_CODE = { limit: 124, trapLoop: 125, fatal: 126, reset: 3, badElf: 2 } as const;

const FINISHER_PASS = 0x5555;
const FINISHER_FAIL = 0x3333;
const FINISHER_RESET = 0x7777;
const CHUNK = 4_000_000;
const TICKS_PER_MS = 10_000;

interface Finish {
  outcome: BareOutcome;
  code: number;
}

export function defaultWasm(): Uint8Array {
  return readFileSync(buildWasm());
}

/** Load `elf` into a fresh machine and run hart 0 from its entry in M-mode until it finishes. */
export async function runBareMetal(
  elf: Uint8Array,
  options: BareOptions = {},
): Promise<BareResult> {
  const ramBytes = (options.ramMiB ?? 128) * 1024 * 1024;
  const memory = createGuestMemory(ramBytes);
  configureMachine(memory, { ramBytes, harts: 1, providesSbi: false });
  const image = loadElf(elf, guestRam(memory, ramBytes), BigInt(GUEST_RAM_PHYS_BASE));
  const hart = new HartState(memory, 0);
  let finish: Finish | undefined;
  let output = '';
  let skippedTicks = 0n;
  const started = performance.now();
  const cpu = await instantiateCpu(options.wasm ?? defaultWasm(), memory, {
    mmioRead(_hart, addr, size) {
      if (addr >= BigInt(UART_BASE) && addr < BigInt(UART_BASE + UART_SIZE)) {
        return addr - BigInt(UART_BASE) === 5n ? 0x60n : 0n; // LSR: THR empty, idle
      }
      if (addr >= BigInt(TEST_FINISHER_BASE) && addr < BigInt(TEST_FINISHER_BASE + 4096)) return 0n;
      void size;
      hart.signalBusError();
      return 0n;
    },
    mmioWrite(_hart, addr, _size, value) {
      if (addr === BigInt(UART_BASE)) {
        output += String.fromCharCode(Number(value & 0xffn));
        if (output.length >= 4096) flushOutput();
      } else if (addr === BigInt(TEST_FINISHER_BASE)) {
        finish = finisher(Number(value & 0xffffffffn));
        if (finish) hart.requestStop();
      } else if (addr < BigInt(UART_BASE) || addr >= BigInt(UART_BASE + UART_SIZE)) {
        if (addr < BigInt(TEST_FINISHER_BASE) || addr >= BigInt(TEST_FINISHER_BASE + 4096)) {
          hart.signalBusError();
        }
      }
    },
    sbiCall: () => 0,
    // Nothing else can wake this single hart: skip time ahead to the timer deadline.
    wfi(_hart, timeout) {
      if (timeout > 0n) skippedTicks += timeout;
    },
    timeNow: () => BigInt(Math.floor((performance.now() - started) * TICKS_PER_MS)) + skippedTicks,
  });
  function flushOutput(): void {
    if (output) options.onOutput?.(output);
    output = '';
  }
  cpu.hart_reset(0, image.entry, 0n, 0n, 3);
  const max = options.maxInsns ?? Number.POSITIVE_INFINITY;
  let budgetUsed = 0;
  let reason: number = X.EXIT_BUDGET;
  if (options.traceSteps) {
    const steps = Math.min(options.traceSteps, max);
    const ram = guestRam(memory, ramBytes);
    for (let i = 0; i < steps && reason === X.EXIT_BUDGET; i++) {
      options.onTrace?.(traceLine(cpu, hart, ram));
      reason = cpu.run(0, 1);
      budgetUsed++;
    }
  }
  const runner = createHartRunner(cpu, memory, 0, {
    mode: options.jit ?? 'off',
    ...(options.jitThreshold !== undefined && { threshold: options.jitThreshold }),
  });
  while (reason === X.EXIT_BUDGET && budgetUsed < max) {
    const budget = Math.min(CHUNK, max - budgetUsed);
    reason = runner.run(budget);
    budgetUsed += budget;
    flushOutput();
  }
  flushOutput();
  const seconds = (performance.now() - started) / 1000;
  const instructions = hart.instret;
  const stats = runner.stats;
  const base = { instructions, seconds, ...(stats && { jit: stats }) };
  if (reason === X.EXIT_STOP_REQUESTED && finish) {
    return { ...base, ...describeFinish(finish) };
  }
  if (reason === X.EXIT_TRAP_LOOP) {
    const cause = hart.i32(HS_EXIT_DETAIL);
    const pc = hart.u64(HS_LAST_TRAP_PC);
    return {
      ...base,
      outcome: 'trap-loop',
      exitCode: EXIT_CODE.trapLoop,
      message: `trap loop: exception cause ${cause} keeps firing at pc 0x${pc.toString(16)} (the trap vector)`,
    };
  }
  if (reason === X.EXIT_BUDGET) {
    return {
      ...base,
      outcome: 'limit',
      exitCode: EXIT_CODE.limit,
      message: `instruction limit reached (${max} instructions) at pc 0x${hart.pc.toString(16)}`,
    };
  }
  return {
    ...base,
    outcome: 'fatal',
    exitCode: EXIT_CODE.fatal,
    message: `CPU stopped (exit reason ${reason})`,
  };
}

function finisher(value: number): Finish | undefined {
  const kind = value & 0xffff;
  if (kind === FINISHER_PASS) return { outcome: 'pass', code: 0 };
  if (kind === FINISHER_FAIL) return { outcome: 'fail', code: value >>> 16 };
  if (kind === FINISHER_RESET) return { outcome: 'reset', code: 0 };
  return undefined;
}

function describeFinish(finish: Finish): Pick<BareResult, 'outcome' | 'exitCode' | 'message'> {
  switch (finish.outcome) {
    case 'pass':
      return { outcome: 'pass', exitCode: 0, message: '' };
    case 'fail':
      return {
        outcome: 'fail',
        exitCode: finish.code === 0 ? 1 : finish.code & 0xff,
        message: `test finisher: FAIL with code ${finish.code}`,
      };
    default:
      return {
        outcome: 'reset',
        exitCode: EXIT_CODE.reset,
        message: 'test finisher: guest requested a reset',
      };
  }
}

function traceLine(cpu: CpuExports, hart: HartState, ram: Uint8Array): string {
  const pc = hart.pc;
  const pa = cpu.translate_address(0, pc, 0);
  let bits = '????????';
  const off = Number(pa - BigInt(GUEST_RAM_PHYS_BASE));
  if (pa >= 0n && off >= 0 && off + 4 <= ram.length) {
    const half = ram[off]! | (ram[off + 1]! << 8);
    bits =
      (half & 3) === 3
        ? ((half | (ram[off + 2]! << 16) | (ram[off + 3]! << 24)) >>> 0)
            .toString(16)
            .padStart(8, '0')
        : half.toString(16).padStart(4, '0');
  }
  return `${pc.toString(16).padStart(16, '0')} ${['U', 'S', '?', 'M'][hart.priv]} ${bits}`;
}
