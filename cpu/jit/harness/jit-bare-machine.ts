// The bare-metal test machine of cpu/runner/bare-machine.ts (RAM, test finisher, UART THR/LSR,
// CLINT in the CPU, anything else an access fault) with a choice of engine: the interpreter alone
// or the JIT dispatcher. Used to check that translated code behaves exactly like the interpreter.
import {
  configureMachine,
  createGuestMemory,
  guestRam,
  HartState,
  instantiateCpu,
} from '../../loader';
import { loadElf } from '../../elf';
import * as X from '../../layout/exit-reasons';
import { GUEST_RAM_PHYS_BASE } from '../../layout/wasm-memory';
import { TEST_FINISHER_BASE, UART_BASE, UART_SIZE } from '../../layout/memory-map';
import { JitHart, type JitStats } from '../jit-hart';

export type Engine = 'interpreter' | 'jit';

export interface EngineResult {
  /** 'pass', 'fail:<code>', 'reset', 'limit' or 'exit:<reason>'. */
  outcome: string;
  output: string;
  instret: bigint;
  seconds: number;
  jit?: JitStats;
}

const CHUNK = 1_000_000;

export interface EngineOptions {
  maxInsns?: number;
  /** Milliseconds clock for timing (portable code has no `performance` type). */
  now?: () => number;
  /** JIT hotness threshold (0, the default: JIT-only; > 0: mixed mode). */
  threshold?: number;
}

export async function runOnEngine(
  cpuModule: WebAssembly.Module,
  elf: Uint8Array,
  engine: Engine,
  options: EngineOptions = {},
): Promise<EngineResult> {
  const maxInsns = options.maxInsns ?? 2_000_000_000;
  const now = options.now ?? Date.now;
  const ramBytes = 32 * 1024 * 1024;
  const memory = createGuestMemory(ramBytes);
  configureMachine(memory, { ramBytes, harts: 1, providesSbi: false });
  const image = loadElf(elf, guestRam(memory, ramBytes), BigInt(GUEST_RAM_PHYS_BASE));
  const hart = new HartState(memory, 0);
  let finish: string | undefined;
  let output = '';
  let skippedTicks = 0n;
  const started = now();
  const inRange = (addr: bigint, base: number, size: number): boolean =>
    addr >= BigInt(base) && addr < BigInt(base + size);
  const cpu = await instantiateCpu(cpuModule, memory, {
    mmioRead(_hart, addr) {
      if (inRange(addr, UART_BASE, UART_SIZE)) return addr - BigInt(UART_BASE) === 5n ? 0x60n : 0n;
      if (inRange(addr, TEST_FINISHER_BASE, 4096)) return 0n;
      hart.signalBusError();
      return 0n;
    },
    mmioWrite(_hart, addr, _size, value) {
      if (addr === BigInt(UART_BASE)) output += String.fromCharCode(Number(value & 0xffn));
      else if (addr === BigInt(TEST_FINISHER_BASE)) {
        const v = Number(value & 0xffffffffn);
        const kind = v & 0xffff;
        if (kind === 0x5555) finish = 'pass';
        else if (kind === 0x3333) finish = `fail:${v >>> 16}`;
        else if (kind === 0x7777) finish = 'reset';
        if (finish) hart.requestStop();
      } else if (!inRange(addr, UART_BASE, UART_SIZE) && !inRange(addr, TEST_FINISHER_BASE, 4096)) {
        hart.signalBusError();
      }
    },
    sbiCall: () => 0,
    wfi(_hart, timeout) {
      if (timeout > 0n) skippedTicks += timeout;
    },
    // Time follows retired instructions (1 tick each) so both engines see the same timer.
    timeNow: () => hart.instret + skippedTicks,
  });
  cpu.hart_reset(0, image.entry, 0n, 0n, 3);
  const threshold = options.threshold ?? 0;
  const jit = engine === 'jit' ? new JitHart(cpu, memory, 0, { now, threshold }) : undefined;
  let reason: number = X.EXIT_BUDGET;
  let used = 0;
  while (reason === X.EXIT_BUDGET && used < maxInsns) {
    reason = jit ? jit.run(CHUNK) : cpu.run(0, CHUNK);
    used += CHUNK;
  }
  const outcome =
    reason === X.EXIT_STOP_REQUESTED && finish
      ? finish
      : reason === X.EXIT_BUDGET
        ? 'limit'
        : `exit:${reason}`;
  const result: EngineResult = {
    outcome,
    output,
    instret: hart.instret,
    seconds: (now() - started) / 1000,
  };
  if (jit) result.jit = jit.stats;
  return result;
}
