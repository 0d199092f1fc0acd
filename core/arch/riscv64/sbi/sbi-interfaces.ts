/**
 * What the SBI dispatcher needs from the machine. Both are injected so the dispatcher stays a pure
 * function of (hart registers, platform) and runs in whichever vCPU worker took the ECALL.
 *
 * Registers are bigints. The dispatcher accepts signed or unsigned 64-bit values from `readArg`
 * (a BigInt64Array over shared hart state works as is) and writes unsigned 64-bit values with
 * `writeA0`/`writeA1` (storing them into a BigInt64Array wraps them to the same bit pattern).
 */
import type { HsmStateId } from './sbi-constants';

export interface SbiHart {
  /** The calling hart's id (mhartid). */
  readonly hartId: number;
  /** a0..a7 (index 0..7). */
  readArg(index: number): bigint;
  writeA0(value: bigint): void;
  writeA1(value: bigint): void;
}

export type RemoteFenceKind = 'fence.i' | 'sfence.vma' | 'sfence.vma.asid';
export type SystemResetType = 'shutdown' | 'cold-reboot' | 'warm-reboot';

/** A virtual address range to flush; `undefined` in calls means the whole address space. */
export interface FenceRange {
  readonly start: bigint;
  readonly size: bigint;
}

export interface SbiPlatform {
  /** Valid hart ids are 0..hartCount-1. */
  readonly hartCount: number;

  /** Program hart's S-mode timer compare to `ticks` (mtime units) and clear its STIP. */
  setTimer(hart: number, ticks: bigint): void;
  /** Raise SSIP on `hart` (and wake it if it waits). */
  sendSupervisorSoftwareInterrupt(hart: number): void;
  /** Clear SSIP on `hart`; returns whether it was pending. */
  clearSupervisorSoftwareInterrupt(hart: number): boolean;
  /**
   * Make `harts` execute the fence before they next run guest code. Flushing a target's whole TLB
   * (and decode caches for fence.i) is a correct, conservative implementation of every kind.
   */
  remoteFence(
    harts: readonly number[],
    kind: RemoteFenceKind,
    range: FenceRange | undefined,
    asid: bigint | undefined,
  ): void;

  /** Current HSM state of a valid hart. */
  hartStatus(hart: number): HsmStateId;
  /**
   * Atomically move a STOPPED hart to START_PENDING and arrange for it to enter S-mode at
   * `startAddr` with a0 = hart, a1 = opaque, satp = 0, sstatus.SIE = 0. Returns false, changing
   * nothing, when the hart was not STOPPED.
   */
  startHart(hart: number, startAddr: bigint, opaque: bigint): boolean;
  /** Mark the calling hart STOPPED; the dispatcher then makes it leave run(). */
  stopHart(hart: number): void;
  /** Retentive suspend: block like WFI until an interrupt may be pending for `hart`. */
  waitForInterrupt(hart: number): void;
  /** Shut down or reboot the whole machine; reason is the SRST reason code (0 or 1). */
  systemReset(type: SystemResetType, reason: number): void;

  /** Emit one byte on the debug console (the machine's serial output). */
  consolePutchar(byte: number): void;
  /** Next input byte for the debug console, or -1 when none is waiting. */
  consoleGetchar(): number;

  /** Whether [address, address + length) is guest RAM (for start addresses and DBCN buffers). */
  isGuestRam(address: bigint, length: bigint): boolean;
  /** Copy of guest physical memory, or undefined if any byte is outside RAM. */
  readGuestPhysical(address: bigint, length: number): Uint8Array | undefined;
  /** Store into guest physical memory; false (nothing written) if any byte is outside RAM. */
  writeGuestPhysical(address: bigint, bytes: Uint8Array): boolean;
  /**
   * Read a u64 at an S-mode *virtual* address of `hart` (translated with its current satp), for
   * the legacy calls that pass a pointer to a hart mask. undefined if it does not translate.
   */
  readGuestVirtualU64(hart: number, address: bigint): bigint | undefined;
}
