/**
 * A KVM VM: memory slots backed by anonymous mmap, vCPUs, and the in-kernel irqchip/PIT/irqfd/ioeventfd
 * plumbing. Guest RAM is exposed as a Uint8Array over the mapping (via koffi.view), which is what the
 * core GuestMemory wraps; the guest sees writes to it at once.
 */
import type { GuestRamRegion, Vm, VmConfig } from '../engine/engine';
import { KVM_IOCTL, KVM_IOEVENTFD_FLAG, KVM_IRQFD_FLAG } from './kvm-constants';
import {
  encodeIoeventfd,
  encodeIrqfd,
  encodeIrqLevel,
  encodeMemoryRegion,
  encodePitConfig,
} from './kvm-structs';
import {
  closeFd,
  ioctlInt,
  ioctlPtr,
  MAP_ANONYMOUS,
  MAP_NORESERVE,
  MAP_PRIVATE,
  mmap,
  munmap,
  PROT_READ,
  PROT_WRITE,
  viewOf,
  type Mapping,
} from './libc';
import type { KvmSystem } from './kvm-system';
import { KvmVcpu } from './vcpu';

const PAGE_SIZE = 4096;

interface MemorySlot extends GuestRamRegion {
  readonly mapping: Mapping;
}

export class KvmVm implements Vm {
  private readonly slots: MemorySlot[] = [];
  private readonly vcpus: KvmVcpu[] = [];
  private closed = false;

  private constructor(
    readonly config: VmConfig,
    readonly fd: number,
    readonly vcpuMmapSize: number,
  ) {}

  static create(system: KvmSystem, config: VmConfig): KvmVm {
    return new KvmVm(config, system.createVmFd(), system.vcpuMmapSize());
  }

  /** vCPUs in creation order. */
  get vcpuList(): readonly KvmVcpu[] {
    return this.vcpus;
  }

  get memorySlots(): readonly GuestRamRegion[] {
    return this.slots;
  }

  addMemory(guestAddress: number, size: number): GuestRamRegion {
    if (guestAddress % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0 || size <= 0) {
      throw new RangeError(
        `memory slot 0x${guestAddress.toString(16)}+0x${size.toString(16)} is not page-aligned`,
      );
    }
    const end = guestAddress + size;
    const overlap = this.slots.find(
      (s) => guestAddress < s.guestAddress + s.bytes.length && s.guestAddress < end,
    );
    if (overlap) throw new RangeError(`memory slot overlaps slot ${overlap.slot}`);
    const mapping = mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    const slot = this.slots.length;
    try {
      const region = encodeMemoryRegion(slot, BigInt(guestAddress), BigInt(size), mapping.address);
      ioctlPtr(this.fd, KVM_IOCTL.SET_USER_MEMORY_REGION, 'KVM_SET_USER_MEMORY_REGION', region);
    } catch (error) {
      munmap(mapping);
      throw error;
    }
    const entry: MemorySlot = {
      slot,
      guestAddress,
      bytes: new Uint8Array(viewOf(mapping)),
      mapping,
    };
    this.slots.push(entry);
    return entry;
  }

  createVcpu(id: number): KvmVcpu {
    const fd = ioctlInt(this.fd, KVM_IOCTL.CREATE_VCPU, 'KVM_CREATE_VCPU', id);
    const vcpu = KvmVcpu.attach(id, fd, this.vcpuMmapSize, true);
    this.vcpus.push(vcpu);
    return vcpu;
  }

  /** Intel needs a 3-page TSS region below 4 GiB that no slot uses (harmless elsewhere). */
  setTssAddress(address: number): void {
    ioctlInt(this.fd, KVM_IOCTL.SET_TSS_ADDR, 'KVM_SET_TSS_ADDR', address);
  }

  setIdentityMapAddress(address: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(address), true);
    ioctlPtr(this.fd, KVM_IOCTL.SET_IDENTITY_MAP_ADDR, 'KVM_SET_IDENTITY_MAP_ADDR', bytes);
  }

  /** In-kernel PIC + IOAPIC (+ a local APIC per vCPU created afterwards). */
  createIrqchip(): void {
    ioctlInt(this.fd, KVM_IOCTL.CREATE_IRQCHIP, 'KVM_CREATE_IRQCHIP');
  }

  /** In-kernel i8254 PIT; flags 0 = speaker port 0x61 handled by userspace. */
  createPit2(flags = 0): void {
    ioctlPtr(this.fd, KVM_IOCTL.CREATE_PIT2, 'KVM_CREATE_PIT2', encodePitConfig(flags));
  }

  setIrqLine(irq: number, level: boolean): void {
    ioctlPtr(this.fd, KVM_IOCTL.IRQ_LINE, 'KVM_IRQ_LINE', encodeIrqLevel(irq, level));
  }

  /** Writing to eventfd `fd` raises GSI `gsi` without a trip through userspace. */
  assignIrqfd(fd: number, gsi: number): void {
    ioctlPtr(this.fd, KVM_IOCTL.IRQFD, 'KVM_IRQFD', encodeIrqfd(fd, gsi));
  }

  deassignIrqfd(fd: number, gsi: number): void {
    ioctlPtr(this.fd, KVM_IOCTL.IRQFD, 'KVM_IRQFD', encodeIrqfd(fd, gsi, KVM_IRQFD_FLAG.DEASSIGN));
  }

  /** A guest write of `length` bytes at `address` (port if `pio`) signals eventfd `fd` instead of exiting. */
  assignIoeventfd(
    address: number,
    length: number,
    fd: number,
    pio: boolean,
    datamatch?: bigint,
  ): void {
    let flags = pio ? KVM_IOEVENTFD_FLAG.PIO : 0;
    if (datamatch !== undefined) flags |= KVM_IOEVENTFD_FLAG.DATAMATCH;
    const bytes = encodeIoeventfd(BigInt(address), length, fd, flags, datamatch ?? 0n);
    ioctlPtr(this.fd, KVM_IOCTL.IOEVENTFD, 'KVM_IOEVENTFD', bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const vcpu of this.vcpus) vcpu.close();
    closeFd(this.fd);
    // Unmap RAM only after the VM fd is gone so KVM never holds a dangling userspace address.
    for (const slot of this.slots) munmap(slot.mapping);
  }
}
