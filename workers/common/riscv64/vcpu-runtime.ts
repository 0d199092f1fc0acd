/**
 * One vCPU thread of the riscv64 machine, the same in a browser Worker and a Node worker_thread.
 *
 * It instantiates the CPU module on the shared guest memory and runs its hart in slices. Device
 * accesses become exits through the mailbox to the VMM thread; the timer, software interrupts, SBI
 * and WFI are handled here without a round trip (the CPU keeps the CLINT; SBI calls run in this
 * thread and touch other harts only through shared words). Between slices the thread obeys the
 * control word (pause, TLB flush) and the hart table (SBI HSM start/stop, machine shutdown).
 */
import { HartState, guestRam, instantiateCpu, type CpuExports } from '../../../cpu/loader';
import type { HartRunner } from '../../../cpu/jit/hart-runner';
import type { JitStats } from '../../../cpu/jit/jit-hart';
import { EXIT_FATAL, EXIT_TRAP_LOOP } from '../../../cpu/layout/exit-reasons';
import { HS_LAST_TRAP_CAUSE, HS_LAST_TRAP_PC, HS_MIE } from '../../../cpu/layout/hart-state';
import { ExitKind, ExitMailboxClient, ExitStatus } from '../../../core/vcpu/exit-mailbox';
import { GUEST_TICKS_PER_SECOND, GuestClock } from '../../../core/vcpu/guest-clock';
import {
  HsmState,
  handleSbiCall,
  type SbiHart,
  type SystemResetType,
} from '../../../core/arch/riscv64/sbi';
import { VcpuSbiPlatform } from './sbi-platform';
import { HartTable } from './hart-table';
import { HartControl, HartSignals } from './hart-signals';
import type { JitSettings } from './jit-settings';

/** Everything a vCPU thread needs, posted once by the VMM thread. */
export interface VcpuInit {
  hart: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ramBytes: number;
  mailbox: SharedArrayBuffer;
  clock: SharedArrayBuffer;
  hartTable: SharedArrayBuffer;
  harts: number;
  /** The hart's state came from a snapshot: drop cached translations before running. */
  restored?: boolean;
  /** Only the boot hart has an entry; the others wait for SBI hart_start. */
  boot?: { pc: number; a0: number; a1: number; priv: number };
  /** Interpreter only (default) or with the JIT. */
  jit?: JitSettings;
}

/** What a vCPU thread reports to the VMM thread (besides exits through the mailbox). */
export type VcpuEvent =
  | { kind: 'ready'; hart: number }
  | { kind: 'console'; hart: number; bytes: Uint8Array }
  | { kind: 'system-reset'; hart: number; type: SystemResetType; reason: number }
  | { kind: 'fatal'; hart: number; reason: string }
  /** The JIT's counters, about once a second while the JIT is on. */
  | { kind: 'jit-stats'; hart: number; stats: JitStats }
  | { kind: 'exited'; hart: number };

export interface VcpuEnvironment {
  /** Host wall clock in ms (performance.timeOrigin + performance.now()). */
  hostNow: () => number;
  post: (event: VcpuEvent) => void;
}

/** Instructions per run() slice: long enough to amortise the call, short enough to react quickly. */
const SLICE = 1 << 20;
/**
 * Longest WFI sleep. Interrupts cannot be missed (see wfi below), but a pause request that lands
 * between the check and the sleep only wakes the hart at this bound.
 */
const MAX_WFI_MS = 100;
/**
 * run() writes the retired-instruction count to shared memory only when it returns, and an idle
 * hart (sleeping in WFI) retires too few instructions to end its slice: after a sleep, a hart
 * whose last return is older than this asks run() to return, so live stats keep moving.
 */
const SYNC_INTERVAL_MS = 250;
/**
 * How long a spinning hart gives its thread up (a PAUSE streak, cpu/assembly/pause.ts): about the
 * shortest sleep the host grants (Linux's timer slack is 50 µs), long enough for the thread the
 * spinner waits for to get a core.
 */
const PAUSE_YIELD_MS = 0.05;
/** How often the JIT's counters are posted. */
const JIT_STATS_INTERVAL_MS = 1000;

export async function runVcpu(init: VcpuInit, env: VcpuEnvironment): Promise<void> {
  const { hart } = init;
  const state = new HartState(init.memory, hart);
  const mailbox = new ExitMailboxClient(init.mailbox, hart);
  const clock = new GuestClock(init.clock, env.hostNow);
  const table = new HartTable(init.hartTable, init.harts);
  const signals = new HartSignals(init.memory.buffer);
  const memoryWords = new Int32Array(init.memory.buffer);
  const pendingIndex = signals.pendingIndex(hart);
  const data = new DataView(mailbox.bytes.buffer, mailbox.bytes.byteOffset, 8);

  let cpu: CpuExports | undefined;
  let noteIdle = (_ms: number): void => {}; // the hart runner's, once it exists
  let lastReturnMs = env.hostNow();
  // SBI legacy console output (earlycon) is batched per line.
  let consoleBytes: number[] = [];
  const flushConsole = () => {
    if (consoleBytes.length === 0) return;
    env.post({ kind: 'console', hart, bytes: Uint8Array.from(consoleBytes) });
    consoleBytes = [];
  };
  let resetRequested = false;
  const platform = new VcpuSbiPlatform({
    hart,
    memory: init.memory,
    ram: guestRam(init.memory, init.ramBytes),
    cpu: () => cpu!,
    signals,
    table,
    onConsoleByte: (byte) => {
      consoleBytes.push(byte);
      if (byte === 0x0a || consoleBytes.length >= 256) flushConsole();
    },
    onSystemReset: (type, reason) => {
      resetRequested = true;
      flushConsole();
      env.post({ kind: 'system-reset', hart, type, reason });
    },
  });
  const sbiHart: SbiHart = {
    hartId: hart,
    readArg: (index) => state.x(10 + index),
    writeA0: (value) => state.setX(10, value),
    writeA1: (value) => state.setX(11, value),
  };

  cpu = await instantiateCpu(init.module, init.memory, {
    mmioRead(_hart, addr, size) {
      const status = mailbox.exchange(ExitKind.Read, Number(addr), size as 1 | 2 | 4 | 8);
      if (status !== ExitStatus.Ok) {
        state.signalBusError();
        return 0n;
      }
      return readLittleEndian(data, size);
    },
    mmioWrite(_hart, addr, size, value) {
      writeLittleEndian(data, size, value);
      if (mailbox.exchange(ExitKind.Write, Number(addr), size as 1 | 2 | 4 | 8) !== ExitStatus.Ok) {
        state.signalBusError();
      }
    },
    sbiCall: () => handleSbiCall(sbiHart, platform),
    wfi(_hart, timeoutTicks) {
      const seen = Atomics.load(memoryWords, pendingIndex);
      // The CPU saw nothing pending and enabled; if an interrupt from another thread arrived since,
      // or a control request is waiting, do not sleep. Atomics.wait itself returns at once if the
      // pending word changes after this load.
      if ((BigInt(seen >>> 0) & state.csr(HS_MIE)) !== 0n || signals.control(hart) !== 0) return;
      const timerMs =
        timeoutTicks < 0n ? Infinity : (Number(timeoutTicks) * 1000) / GUEST_TICKS_PER_SECOND;
      const sleptFrom = env.hostNow();
      Atomics.wait(memoryWords, pendingIndex, seen, Math.min(timerMs, MAX_WFI_MS));
      const now = env.hostNow();
      noteIdle(now - sleptFrom);
      if (now - lastReturnMs >= SYNC_INTERVAL_MS) {
        signals.setControl(hart, HartControl.SyncCounters);
      }
    },
    timeNow: () => BigInt(clock.ticks()),
    pauseYield() {
      // Wakes early, as WFI does, when an interrupt or a control request arrives.
      const seen = Atomics.load(memoryWords, pendingIndex);
      if (signals.control(hart) !== 0) return;
      Atomics.wait(memoryWords, pendingIndex, seen, PAUSE_YIELD_MS);
    },
  });

  if (init.boot) {
    cpu.hart_reset(
      hart,
      BigInt(init.boot.pc),
      BigInt(init.boot.a0),
      BigInt(init.boot.a1),
      init.boot.priv,
    );
    table.markStarted(hart);
  }
  const runner = await hartRunner(cpu, init, env.hostNow);
  noteIdle = (ms) => runner.noteIdle(ms);
  if (init.restored) {
    cpu.tlb_flush(hart);
    runner.flush(); // guest RAM was rewritten under any translation
  }
  env.post({ kind: 'ready', hart });
  let lastStatsMs = env.hostNow();
  const postJitStats = () => {
    const stats = runner.stats;
    if (stats) env.post({ kind: 'jit-stats', hart, stats });
    lastStatsMs = env.hostNow();
  };

  for (;;) {
    if (table.shuttingDown()) break;
    const status = table.status(hart);
    if (status === HsmState.STOPPED) {
      // No live TLB entries while stopped: the JIT posts a store race to any hart whose store
      // TLB maps a page it marks as code (cpu/jit/store-tlb-shootdown.ts), and a stopped hart
      // would never take it back.
      cpu.tlb_flush(hart);
      table.setParked(hart, true);
      table.waitWhileStopped(hart);
      continue;
    }
    if (status === HsmState.START_PENDING) {
      const entry = table.startEntry(hart);
      // SBI HSM: the hart starts in S-mode at start_addr with a0 = hartid, a1 = opaque.
      cpu.hart_reset(hart, BigInt(entry.pc), BigInt(hart), BigInt(entry.opaque), 1);
      table.markStarted(hart);
    }
    const control = signals.control(hart);
    if (control & HartControl.SyncCounters) signals.clearControl(hart, HartControl.SyncCounters);
    if (control & HartControl.FlushTlb) {
      cpu.tlb_flush(hart);
      signals.clearControl(hart, HartControl.FlushTlb);
      continue;
    }
    if (control & HartControl.Pause) {
      table.setParked(hart, true);
      signals.waitWhileControl(hart, HartControl.Pause, 1000);
      continue;
    }
    table.setParked(hart, false);
    const exit = runner.run(SLICE);
    lastReturnMs = env.hostNow();
    if (lastReturnMs - lastStatsMs >= JIT_STATS_INTERVAL_MS) postJitStats();
    flushConsole();
    if (resetRequested) {
      table.setParked(hart, true);
      table.waitForShutdown(); // the VMM powers the machine off or rebuilds it
      break;
    }
    if (exit === EXIT_TRAP_LOOP || exit === EXIT_FATAL) {
      const cause = state.csr(HS_LAST_TRAP_CAUSE);
      const pc = state.csr(HS_LAST_TRAP_PC);
      const reason =
        exit === EXIT_TRAP_LOOP
          ? `hart ${hart} is stuck in a trap loop (cause ${cause}, trap pc 0x${pc.toString(16)})`
          : `hart ${hart} stopped: invalid machine state`;
      table.setParked(hart, true);
      env.post({ kind: 'fatal', hart, reason });
      table.waitForShutdown(); // the VMM stops the machine and reports the reason
      break;
    }
  }
  table.setParked(hart, true);
  postJitStats();
  env.post({ kind: 'exited', hart });
}

/**
 * The hart's run loop: cpu.run itself with the interpreter alone (what createHartRunner gives for
 * 'off'), else cpu/jit's runner. The JIT is imported only when asked for, so interpreter-only VMs
 * neither load nor depend on it.
 */
async function hartRunner(cpu: CpuExports, init: VcpuInit, now: () => number): Promise<HartRunner> {
  const { hart, jit } = init;
  if (!jit || jit.mode === 'off') {
    return {
      run: (budget) => cpu.run(hart, budget),
      stats: undefined,
      flush: () => {},
      noteIdle: () => {},
    };
  }
  const { createHartRunner } = await import('../../../cpu/jit/hart-runner');
  return createHartRunner(cpu, init.memory, hart, {
    mode: jit.mode,
    ...(jit.threshold !== undefined ? { threshold: jit.threshold } : {}),
    now,
  });
}

function readLittleEndian(view: DataView, size: number): bigint {
  switch (size) {
    case 1:
      return BigInt(view.getUint8(0));
    case 2:
      return BigInt(view.getUint16(0, true));
    case 4:
      return BigInt(view.getUint32(0, true));
    default:
      return view.getBigUint64(0, true);
  }
}

function writeLittleEndian(view: DataView, size: number, value: bigint): void {
  switch (size) {
    case 1:
      view.setUint8(0, Number(value & 0xffn));
      break;
    case 2:
      view.setUint16(0, Number(value & 0xffffn), true);
      break;
    case 4:
      view.setUint32(0, Number(value & 0xffff_ffffn), true);
      break;
    default:
      view.setBigUint64(0, BigInt.asUintN(64, value), true);
  }
}
