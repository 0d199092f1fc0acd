/**
 * A validated Firecracker-style VmConfig (from the API or a --config-file) becomes a MachineSpec by
 * reading what it names: the kernel and the initrd (both inflated natively when stored gzip'd) and
 * the drives. Errors name the file and what is wrong with it.
 */
import type { VmConfig } from '../../../core/api/types';
import { FileStoreError, gunzip, isGzip, type FileStore } from './file-store';
import type { DriveSpec, MachineSpec } from './machine-spec';

export const DEFAULT_RISCV64_CMDLINE = 'console=ttyS0 earlycon=sbi panic=1';

export async function specFromConfig(
  config: VmConfig,
  files: FileStore,
  options: { bootTimer?: boolean } = {},
): Promise<MachineSpec> {
  const boot = config['boot-source'];
  if (!boot) throw new FileStoreError('no boot source configured (PUT /boot-source first)');
  let kernel = await files.read(boot.kernel_image_path);
  if (isGzip(kernel)) {
    try {
      kernel = await gunzip(kernel);
    } catch (error) {
      throw new FileStoreError(
        `kernel ${boot.kernel_image_path} looks gzip-compressed but does not inflate: ${String(error)}`,
      );
    }
  }
  let initrd = boot.initrd_path ? await files.read(boot.initrd_path) : undefined;
  // Inflate a gzip initramfs here, natively, rather than in the guest: unpacking it under the
  // emulated CPU was half of the boot. The kernel takes an uncompressed cpio archive as well.
  if (initrd && isGzip(initrd)) initrd = await gunzip(initrd);
  const drives: DriveSpec[] = [];
  for (const drive of config.drives) {
    drives.push({
      id: drive.drive_id,
      backend: await files.openBlock(drive.path_on_host, drive.is_read_only ?? false),
      ...(drive.rate_limiter ? { rateLimiter: drive.rate_limiter } : {}),
    });
  }
  const nets = config['network-interfaces'].map((iface, index) => ({
    id: iface.iface_id,
    mac: iface.guest_mac ? parseMac(iface.guest_mac) : derivedMac(index),
    ...(iface.rx_rate_limiter ? { rxRateLimiter: iface.rx_rate_limiter } : {}),
    ...(iface.tx_rate_limiter ? { txRateLimiter: iface.tx_rate_limiter } : {}),
  }));
  return {
    nets,
    vcpus: config['machine-config'].vcpu_count,
    memMib: config['machine-config'].mem_size_mib,
    cmdline: boot.boot_args ?? DEFAULT_RISCV64_CMDLINE,
    kernel,
    ...(initrd ? { initrd } : {}),
    drives,
    entropy: config.entropy !== undefined,
    bootTimer: options.bootTimer ?? true,
  };
}

/** "06:00:ac:10:00:02" → bytes (the API validator already checked the format). */
export function parseMac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** A locally administered unicast MAC for interfaces configured without guest_mac. */
function derivedMac(index: number): Uint8Array {
  const random = new Uint8Array(4);
  crypto.getRandomValues(random);
  return Uint8Array.from([0x06, index & 0xff, ...random]);
}
