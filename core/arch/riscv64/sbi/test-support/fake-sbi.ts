/**
 * Test doubles for the SBI dispatcher: a hart with eight argument registers and a platform that
 * records every request, keeps a small RAM and an HSM table.
 */
import { HartStateTable } from '../hart-state-table';
import type { HsmStateId } from '../sbi-constants';
import type {
  FenceRange,
  RemoteFenceKind,
  SbiHart,
  SbiPlatform,
  SystemResetType,
} from '../sbi-interfaces';

export class FakeHart implements SbiHart {
  readonly regs: bigint[] = Array.from({ length: 8 }, () => 0n);
  a0Writes = 0;
  a1Writes = 0;

  constructor(readonly hartId = 0) {}

  /** Load a7 = eid, a6 = fid, a0.. = args; a0/a1 get sentinels to detect writes. */
  set(eid: bigint | number, fid: bigint | number, ...args: (bigint | number)[]): this {
    this.regs.fill(0n);
    this.regs[0] = 0xdead_a0n;
    this.regs[1] = 0xdead_a1n;
    args.forEach((v, i) => (this.regs[i] = BigInt(v)));
    this.regs[6] = BigInt(fid);
    this.regs[7] = BigInt(eid);
    return this;
  }

  readArg(index: number): bigint {
    return this.regs[index] ?? 0n;
  }
  writeA0(value: bigint): void {
    this.a0Writes++;
    this.regs[0] = value;
  }
  writeA1(value: bigint): void {
    this.a1Writes++;
    this.regs[1] = value;
  }
  /** a0 as the signed error code. */
  get error(): number {
    return Number(BigInt.asIntN(64, this.regs[0] ?? 0n));
  }
  get value(): bigint {
    return this.regs[1] ?? 0n;
  }
}

export const FAKE_RAM_BASE = 0x8000_0000n;

export class FakePlatform implements SbiPlatform {
  readonly events: string[] = [];
  readonly fences: {
    harts: readonly number[];
    kind: RemoteFenceKind;
    range: FenceRange | undefined;
    asid: bigint | undefined;
  }[] = [];
  readonly output: number[] = [];
  readonly input: number[] = [];
  readonly ram = new Uint8Array(0x1_0000);
  readonly hsm: HartStateTable;
  ssip: boolean[];

  constructor(readonly hartCount = 4) {
    this.hsm = HartStateTable.create(hartCount);
    this.ssip = Array.from({ length: hartCount }, () => false);
  }

  setTimer(hart: number, ticks: bigint): void {
    this.events.push(`timer ${hart} ${ticks}`);
  }
  sendSupervisorSoftwareInterrupt(hart: number): void {
    this.ssip[hart] = true;
    this.events.push(`ipi ${hart}`);
  }
  clearSupervisorSoftwareInterrupt(hart: number): boolean {
    const was = this.ssip[hart] ?? false;
    this.ssip[hart] = false;
    return was;
  }
  remoteFence(
    harts: readonly number[],
    kind: RemoteFenceKind,
    range: FenceRange | undefined,
    asid: bigint | undefined,
  ): void {
    this.fences.push({ harts, kind, range, asid });
  }
  hartStatus(hart: number): HsmStateId {
    return this.hsm.status(hart);
  }
  startHart(hart: number, startAddr: bigint, opaque: bigint): boolean {
    if (!this.hsm.tryStart(hart)) return false;
    this.events.push(`start ${hart} 0x${startAddr.toString(16)} ${opaque}`);
    return true;
  }
  stopHart(hart: number): void {
    this.hsm.markStopped(hart);
    this.events.push(`stop ${hart}`);
  }
  waitForInterrupt(hart: number): void {
    this.events.push(`wfi ${hart}`);
  }
  systemReset(type: SystemResetType, reason: number): void {
    this.events.push(`reset ${type} ${reason}`);
  }
  consolePutchar(byte: number): void {
    this.output.push(byte);
  }
  consoleGetchar(): number {
    return this.input.shift() ?? -1;
  }
  isGuestRam(address: bigint, length: bigint): boolean {
    return address >= FAKE_RAM_BASE && address + length <= FAKE_RAM_BASE + BigInt(this.ram.length);
  }
  readGuestPhysical(address: bigint, length: number): Uint8Array | undefined {
    if (!this.isGuestRam(address, BigInt(length))) return undefined;
    const at = Number(address - FAKE_RAM_BASE);
    return this.ram.slice(at, at + length);
  }
  writeGuestPhysical(address: bigint, bytes: Uint8Array): boolean {
    if (!this.isGuestRam(address, BigInt(bytes.length))) return false;
    this.ram.set(bytes, Number(address - FAKE_RAM_BASE));
    return true;
  }
  /** Identity translation over RAM, enough for legacy hart-mask pointers. */
  readGuestVirtualU64(_hart: number, address: bigint): bigint | undefined {
    const bytes = this.readGuestPhysical(address, 8);
    return bytes ? new DataView(bytes.buffer).getBigUint64(0, true) : undefined;
  }
}
