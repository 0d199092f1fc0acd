/**
 * The /dev/kvm system fd: API version, capabilities, supported CPUID and VM creation.
 */
import { KVM_API_VERSION, KVM_CAP, KVM_IOCTL, type KvmCapName } from './kvm-constants';
import { allocateCpuid2, decodeCpuid2, type CpuidEntry } from './kvm-cpuid-msr-structs';
import { closeFd, ioctlInt, ioctlPtr, openFile, O_RDWR, SyscallError } from './libc';

export const KVM_DEVICE_PATH = '/dev/kvm';
const E2BIG = 7;
/** Large enough for every CPUID leaf KVM reports today; grown on E2BIG anyway. */
const INITIAL_CPUID_CAPACITY = 128;

export class KvmSystem {
  private constructor(readonly fd: number) {}

  /** Opens /dev/kvm and checks the API version (12 since Linux 2.6.22). */
  static open(path = KVM_DEVICE_PATH): KvmSystem {
    const fd = openFile(path, O_RDWR);
    const system = new KvmSystem(fd);
    const version = system.apiVersion();
    if (version !== KVM_API_VERSION) {
      system.close();
      throw new Error(`${path}: KVM API version ${version}, expected ${KVM_API_VERSION}`);
    }
    return system;
  }

  apiVersion(): number {
    return ioctlInt(this.fd, KVM_IOCTL.GET_API_VERSION, 'KVM_GET_API_VERSION');
  }

  /** KVM_CHECK_EXTENSION: 0 = absent, otherwise a capability-specific positive value. */
  checkExtension(cap: number): number {
    return ioctlInt(this.fd, KVM_IOCTL.CHECK_EXTENSION, 'KVM_CHECK_EXTENSION', cap);
  }

  /** Every named capability with its KVM_CHECK_EXTENSION value. */
  capabilities(): Record<KvmCapName, number> {
    const result = {} as Record<KvmCapName, number>;
    for (const [name, cap] of Object.entries(KVM_CAP) as [KvmCapName, number][]) {
      result[name] = this.checkExtension(cap);
    }
    return result;
  }

  vcpuMmapSize(): number {
    return ioctlInt(this.fd, KVM_IOCTL.GET_VCPU_MMAP_SIZE, 'KVM_GET_VCPU_MMAP_SIZE');
  }

  supportedCpuid(): CpuidEntry[] {
    for (let capacity = INITIAL_CPUID_CAPACITY; capacity <= 4096; capacity *= 2) {
      const bytes = allocateCpuid2(capacity);
      try {
        ioctlPtr(this.fd, KVM_IOCTL.GET_SUPPORTED_CPUID, 'KVM_GET_SUPPORTED_CPUID', bytes);
        return decodeCpuid2(bytes);
      } catch (error) {
        if (!(error instanceof SyscallError && error.errno === E2BIG)) throw error;
      }
    }
    throw new Error('KVM_GET_SUPPORTED_CPUID: more than 4096 entries');
  }

  /** KVM_CREATE_VM with the default machine type; returns the VM fd. */
  createVmFd(): number {
    return ioctlInt(this.fd, KVM_IOCTL.CREATE_VM, 'KVM_CREATE_VM', 0);
  }

  close(): void {
    closeFd(this.fd);
  }
}
