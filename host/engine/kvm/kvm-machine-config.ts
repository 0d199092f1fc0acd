/**
 * A validated Firecracker-style VmConfig becomes the x86_64 machine's configuration by reading what
 * it names from the host filesystem: the kernel (inflated when gzip'd: `vmlinux.gz`), the initrd
 * (left as is: Linux unpacks a gzip'd initramfs itself, at native speed under KVM) and the drives.
 */
import type { VmConfig } from '../../../core/api/types';
import type { MmdsStore } from '../../../core/mmds/store';
import { FileStoreError, readBootImage } from '../../../workers/common/riscv64/file-store';
import { parseMac } from '../../../workers/common/riscv64/spec-from-config';
import type { X86LinuxMachineConfig } from '../../kvm/x86-linux-machine';
import type { Severity } from '../../daemon/logger';
import { NodeFileStore } from '../wasm/node-file-store';

export async function machineConfigFromVm(
  config: VmConfig,
  log: (severity: Severity, message: string) => void,
  mmds?: MmdsStore,
  files = new NodeFileStore(),
): Promise<X86LinuxMachineConfig> {
  const boot = config['boot-source'];
  if (!boot) throw new FileStoreError('no boot source configured (PUT /boot-source first)');
  // The initrd stays as it is: under KVM the guest inflates it at native speed.
  const kernel = await readBootImage(files, boot.kernel_image_path, 'kernel');
  const initrd = boot.initrd_path ? await files.read(boot.initrd_path) : undefined;
  const drives = [];
  for (const drive of config.drives) {
    if (drive.rate_limiter) log('Warning', `drive ${drive.drive_id}: rate limiter ignored on KVM`);
    drives.push({
      id: drive.drive_id,
      backend: await files.openBlock(drive.path_on_host, drive.is_read_only ?? false),
    });
  }
  const nets = config['network-interfaces'].map((iface, index) => ({
    id: iface.iface_id,
    mac: iface.guest_mac ? parseMac(iface.guest_mac) : Uint8Array.of(0x06, 0, 0, 0, 0, index + 1),
  }));
  return {
    name: 'kvm-microvm',
    memoryBytes: config['machine-config'].mem_size_mib * 2 ** 20,
    vcpus: config['machine-config'].vcpu_count,
    kernel,
    ...(initrd ? { initrd } : {}),
    ...(boot.boot_args !== undefined ? { bootArgs: boot.boot_args } : {}),
    drives,
    nets,
    entropy: config.entropy !== undefined,
    ...(config['mmds-config'] && mmds
      ? { mmds: { store: mmds, config: config['mmds-config'] } }
      : {}),
  };
}
