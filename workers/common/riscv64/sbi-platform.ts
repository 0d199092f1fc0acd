/**
 * The machine side of SBI for one vCPU thread: core's dispatcher (handleSbiCall) decodes the call,
 * this adapter carries it out on shared state — the hart's stimecmp, other harts' pending bits and
 * control words, the HSM table, guest RAM — so no SBI call needs a round trip to the VMM thread.
 */
import { HART_STATE_BASE, HART_STRIDE, GUEST_RAM_PHYS_BASE } from '../../../cpu/layout/wasm-memory';
import { invalidateCodePages } from './code-tracking-memory';
import { HS_STIMECMP } from '../../../cpu/layout/hart-state';
import type { CpuExports } from '../../../cpu/loader';
import type {
  FenceRange,
  RemoteFenceKind,
  SbiPlatform,
  SystemResetType,
} from '../../../core/arch/riscv64/sbi';
import { HsmState, type HsmStateId } from '../../../core/arch/riscv64/sbi/sbi-constants';
import type { HartTable } from './hart-table';
import { HartControl, type HartSignals } from './hart-signals';

export interface SbiPlatformContext {
  hart: number;
  memory: WebAssembly.Memory;
  ram: Uint8Array;
  cpu: () => CpuExports;
  signals: HartSignals;
  table: HartTable;
  onConsoleByte: (byte: number) => void;
  onSystemReset: (type: SystemResetType, reason: number) => void;
}

/** How long a remote fence waits for its targets before giving up on them (they are stuck). */
const FENCE_TIMEOUT_MS = 200;

export class VcpuSbiPlatform implements SbiPlatform {
  readonly hartCount: number;
  private readonly view: DataView;
  private readonly words: Int32Array;
  private readonly ramBase = BigInt(GUEST_RAM_PHYS_BASE);

  constructor(private readonly ctx: SbiPlatformContext) {
    this.hartCount = ctx.table.harts;
    this.view = new DataView(ctx.memory.buffer);
    this.words = new Int32Array(ctx.memory.buffer);
  }

  setTimer(hart: number, ticks: bigint): void {
    // Sstc: STIP follows time >= stimecmp, so writing the compare value also clears a pending STIP.
    this.view.setBigUint64(
      HART_STATE_BASE + hart * HART_STRIDE + HS_STIMECMP,
      BigInt.asUintN(64, ticks),
      true,
    );
  }

  sendSupervisorSoftwareInterrupt(hart: number): void {
    this.ctx.signals.raiseSupervisorSoftwareInterrupt(hart);
  }

  clearSupervisorSoftwareInterrupt(hart: number): boolean {
    return this.ctx.signals.clearSupervisorSoftwareInterrupt(hart);
  }

  /**
   * Flush the targets' TLBs (the interpreter keeps no other translation state, so this also covers
   * fence.i) and wait until each has done it: Linux frees the old pages right after this call
   * returns. While waiting, this hart answers flush requests aimed at itself, so two harts fencing
   * each other cannot deadlock.
   */
  remoteFence(
    harts: readonly number[],
    _kind: RemoteFenceKind,
    _range: FenceRange | undefined,
  ): void {
    const { hart: self, signals, table } = this.ctx;
    const waitingFor: number[] = [];
    for (const target of harts) {
      if (target === self) this.ctx.cpu().tlb_flush(self);
      else if (
        table.status(target) !== HsmState.STOPPED /* a stopped hart starts with an empty TLB */
      ) {
        signals.setControl(target, HartControl.FlushTlb);
        waitingFor.push(target);
      }
    }
    const deadline = Date.now() + FENCE_TIMEOUT_MS;
    while (waitingFor.length > 0 && Date.now() < deadline) {
      if (signals.control(self) & HartControl.FlushTlb) {
        this.ctx.cpu().tlb_flush(self);
        signals.clearControl(self, HartControl.FlushTlb);
      }
      const target = waitingFor[waitingFor.length - 1]!;
      const done =
        (signals.control(target) & HartControl.FlushTlb) === 0 ||
        table.status(target) === HsmState.STOPPED ||
        table.shuttingDown();
      if (done) waitingFor.pop();
      else signals.waitWhileControl(target, HartControl.FlushTlb, 1);
    }
  }

  hartStatus(hart: number): HsmStateId {
    return this.ctx.table.status(hart);
  }

  startHart(hart: number, startAddr: bigint, opaque: bigint): boolean {
    return this.ctx.table.requestStart(hart, Number(startAddr), Number(BigInt.asUintN(53, opaque)));
  }

  stopHart(hart: number): void {
    this.ctx.table.markStopped(hart);
  }

  waitForInterrupt(hart: number): void {
    const words = new Int32Array(this.ctx.memory.buffer);
    const i = this.ctx.signals.pendingIndex(hart);
    Atomics.wait(words, i, Atomics.load(words, i), 25);
  }

  systemReset(type: SystemResetType, reason: number): void {
    this.ctx.onSystemReset(type, reason);
  }

  consolePutchar(byte: number): void {
    this.ctx.onConsoleByte(byte & 0xff);
  }

  consoleGetchar(): number {
    return -1; // input reaches the guest through the UART only
  }

  isGuestRam(address: bigint, length: bigint): boolean {
    const offset = address - this.ramBase;
    return offset >= 0n && length >= 0n && offset + length <= BigInt(this.ctx.ram.length);
  }

  readGuestPhysical(address: bigint, length: number): Uint8Array | undefined {
    if (!this.isGuestRam(address, BigInt(length))) return undefined;
    const offset = Number(address - this.ramBase);
    return this.ctx.ram.slice(offset, offset + length);
  }

  writeGuestPhysical(address: bigint, bytes: Uint8Array): boolean {
    if (!this.isGuestRam(address, BigInt(bytes.length))) return false;
    this.ctx.ram.set(bytes, Number(address - this.ramBase));
    invalidateCodePages(this.words, Number(address), bytes.length);
    return true;
  }

  readGuestVirtualU64(hart: number, address: bigint): bigint | undefined {
    const physical = this.ctx.cpu().translate_address(hart, address, 1);
    if (physical < 0n) return undefined;
    const bytes = this.readGuestPhysical(physical, 8);
    return bytes ? new DataView(bytes.buffer).getBigUint64(0, true) : undefined;
  }
}
