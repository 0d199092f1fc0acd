/**
 * A validated Firecracker-style VmConfig (from the API or a --config-file) becomes a MachineSpec by
 * reading what it names: the kernel and the initrd (both inflated natively when stored gzip'd) and
 * the drives. Errors name the file and what is wrong with it.
 */
import type { VmConfig } from '../../../core/api/types';
import type { MmdsStore } from '../../../core/mmds/store';
import { FileStoreError, readBootImage, type FileStore } from './file-store';
import type { DriveSpec, MachineSpec } from './machine-spec';
import type { JitSettings } from './jit-settings';

export const DEFAULT_RISCV64_CMDLINE = 'console=ttyS0 earlycon=sbi panic=1';

export async function specFromConfig(
  config: VmConfig,
  files: FileStore,
  options: { bootTimer?: boolean; jit?: JitSettings; mmds?: MmdsStore } = {},
): Promise<MachineSpec> {
  const boot = config['boot-source'];
  if (!boot) throw new FileStoreError('no boot source configured (PUT /boot-source first)');
  const kernel = await readBootImage(files, boot.kernel_image_path, 'kernel');
  // Inflate a gzip initramfs here, natively, rather than in the guest: unpacking it under the
  // emulated CPU was half of the boot. The kernel takes an uncompressed cpio archive as well.
  const initrd = boot.initrd_path
    ? await readBootImage(files, boot.initrd_path, 'initrd')
    : undefined;
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
    ...(config['mmds-config'] && options.mmds
      ? { mmds: { store: options.mmds, config: config['mmds-config'] } }
      : {}),
    ...(options.jit ? { jit: options.jit } : {}),
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
