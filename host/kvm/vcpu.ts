/**
 * A KVM vCPU: its fd, the mmap'd kvm_run page, register access and `run() → VmExit`.
 *
 * A KvmVcpu can be built twice over the same fd: once in the thread that creates and configures it,
 * once in the worker thread that runs it (`KvmVcpu.attach`), since fds are process-wide and both
 * mappings of the run page share the same kernel page.
 */
import type { Vcpu, VmExit } from '../engine/engine';
import { KVM_IOCTL, STRUCT_SIZE } from './kvm-constants';
import { encodeMsrs, encodeCpuid2, type CpuidEntry, type MsrEntry } from './kvm-cpuid-msr-structs';
import { decodeExit, RUN_OFFSET } from './kvm-run';
import {
  decodeRegs,
  decodeSregs,
  encodeRegs,
  encodeSregs,
  type KvmRegs,
  type KvmSregs,
} from './kvm-structs';
import {
  closeFd,
  EINTR,
  EAGAIN,
  ioctlIntErrno,
  ioctlPtr,
  MAP_SHARED,
  mmap,
  munmap,
  PROT_READ,
  PROT_WRITE,
  SyscallError,
  viewOf,
  type Mapping,
} from './libc';

export class KvmVcpu implements Vcpu {
  private readonly page: Uint8Array;
  private readonly view: DataView;
  private closed = false;

  private constructor(
    readonly id: number,
    readonly fd: number,
    private readonly mapping: Mapping,
    private readonly ownsFd: boolean,
  ) {
    this.page = new Uint8Array(viewOf(mapping));
    this.view = new DataView(this.page.buffer, this.page.byteOffset, this.page.byteLength);
  }

  /** Wraps a vCPU fd; `ownsFd` decides whether close() closes the fd or only unmaps the page. */
  static attach(id: number, fd: number, mmapSize: number, ownsFd: boolean): KvmVcpu {
    const mapping = mmap(mmapSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return new KvmVcpu(id, fd, mapping, ownsFd);
  }

  run(): VmExit {
    const result = ioctlIntErrno(this.fd, KVM_IOCTL.RUN);
    if (result === -EINTR || result === -EAGAIN) {
      // Kicked by a signal (or immediate_exit): clear the flag so the next run enters the guest.
      this.view.setUint8(RUN_OFFSET.immediateExit, 0);
      return { kind: 'interrupted' };
    }
    if (result < 0) throw new SyscallError('KVM_RUN', -result);
    return decodeExit(this.page, this.view);
  }

  /** Makes the next (or current, if a signal follows) KVM_RUN return at once with EINTR. */
  setImmediateExit(on: boolean): void {
    this.view.setUint8(RUN_OFFSET.immediateExit, on ? 1 : 0);
  }

  getRegs(): KvmRegs {
    const bytes = new Uint8Array(STRUCT_SIZE.kvmRegs);
    ioctlPtr(this.fd, KVM_IOCTL.GET_REGS, 'KVM_GET_REGS', bytes);
    return decodeRegs(bytes);
  }

  setRegs(regs: KvmRegs): void {
    ioctlPtr(this.fd, KVM_IOCTL.SET_REGS, 'KVM_SET_REGS', encodeRegs(regs));
  }

  getSregs(): KvmSregs {
    const bytes = new Uint8Array(STRUCT_SIZE.kvmSregs);
    ioctlPtr(this.fd, KVM_IOCTL.GET_SREGS, 'KVM_GET_SREGS', bytes);
    return decodeSregs(bytes);
  }

  setSregs(sregs: KvmSregs): void {
    ioctlPtr(this.fd, KVM_IOCTL.SET_SREGS, 'KVM_SET_SREGS', encodeSregs(sregs));
  }

  /** KVM_GET_LAPIC: the local APIC's 1 KiB register page (needs the in-kernel irqchip). */
  getLapic(): Uint8Array {
    const bytes = new Uint8Array(STRUCT_SIZE.kvmLapicState);
    ioctlPtr(this.fd, KVM_IOCTL.GET_LAPIC, 'KVM_GET_LAPIC', bytes);
    return bytes;
  }

  setLapic(registers: Uint8Array): void {
    ioctlPtr(this.fd, KVM_IOCTL.SET_LAPIC, 'KVM_SET_LAPIC', registers);
  }

  setCpuid(entries: readonly CpuidEntry[]): void {
    ioctlPtr(this.fd, KVM_IOCTL.SET_CPUID2, 'KVM_SET_CPUID2', encodeCpuid2(entries));
  }

  /** KVM_SET_MSRS returns how many entries it applied; anything short of all is an error. */
  setMsrs(entries: readonly MsrEntry[]): void {
    const applied = ioctlPtr(this.fd, KVM_IOCTL.SET_MSRS, 'KVM_SET_MSRS', encodeMsrs(entries));
    if (applied !== entries.length) {
      const failed = entries[applied];
      throw new Error(
        `KVM_SET_MSRS applied ${applied} of ${entries.length} MSRs; rejected 0x${failed?.index.toString(16) ?? '?'}`,
      );
    }
  }

  /** KVM_SET_SIGNAL_MASK: the signal mask in force while inside KVM_RUN (first 8 bytes = kernel sigset). */
  setRunSignalMask(sigset: Uint8Array): void {
    const bytes = new Uint8Array(STRUCT_SIZE.kvmSignalMaskHeader + 8);
    new DataView(bytes.buffer).setUint32(0, 8, true);
    bytes.set(sigset.subarray(0, 8), STRUCT_SIZE.kvmSignalMaskHeader);
    ioctlPtr(this.fd, KVM_IOCTL.SET_SIGNAL_MASK, 'KVM_SET_SIGNAL_MASK', bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    munmap(this.mapping);
    if (this.ownsFd) closeFd(this.fd);
  }
}
