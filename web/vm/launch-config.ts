/**
 * What the user asked for in the launch form, and how it becomes Firecracker API calls: a bundled
 * preset (through the machine client) or their own kernel / initrd / disk files.
 */
import { callApi, configurePreset, putFile, type VmHandle } from '../machine/machine-client';
import type { DownloadProgress, ImageEntry } from '../machine/image-manifest';
import { DEFAULT_JIT_SETTINGS, type JitMode } from '../../workers/common/riscv64/jit-settings';
// The machine loads an uncompressed Image and a raw disk; a gzip initrd is the kernel's job.
import { gunzipIfNeeded } from '../../workers/common/riscv64/file-store';

export interface UserFile {
  name: string;
  bytes: Uint8Array;
}

export type KernelSource =
  | { kind: 'preset'; image: ImageEntry; disk: boolean }
  | { kind: 'files'; kernel: UserFile; initrd?: UserFile; disk?: UserFile };

export interface LaunchConfig {
  source: KernelSource;
  vcpus: number;
  memMib: number;
  cmdline: string;
  /** Give the VM a virtio-net interface on the page's virtual switch. */
  network: boolean;
  /** CPU engine: the interpreter alone ('off') or with the JIT. Absent means the machine's default. */
  jit?: JitMode;
}

/** The engine choices of the launch form (value, label, explanation). */
export const JIT_CHOICES: readonly { mode: JitMode; label: string; title: string }[] = [
  { mode: 'off', label: 'Interpreter', title: 'every instruction interpreted (the reference)' },
  {
    mode: 'mixed',
    label: 'JIT (hot code)',
    title: 'blocks entered often are translated to WebAssembly; the rest is interpreted',
  },
  {
    mode: 'always',
    label: 'JIT (all code)',
    title: 'every block is translated before it first runs (slow start, for testing)',
  },
];
export const DEFAULT_JIT_MODE: JitMode = DEFAULT_JIT_SETTINGS.mode;

export const DEFAULT_CMDLINE = 'console=ttyS0 earlycon=sbi panic=1';

async function configureUserFiles(
  vm: VmHandle,
  source: Extract<KernelSource, { kind: 'files' }>,
  config: LaunchConfig,
): Promise<void> {
  await putFile(vm, 'user/kernel', await gunzipIfNeeded(source.kernel.bytes.slice()));
  if (source.initrd) await putFile(vm, 'user/initrd', source.initrd.bytes.slice());
  await callApi(vm, 'PUT', '/boot-source', {
    kernel_image_path: 'user/kernel',
    ...(source.initrd ? { initrd_path: 'user/initrd' } : {}),
    boot_args: config.cmdline,
  });
  await callApi(vm, 'PUT', '/machine-config', {
    vcpu_count: config.vcpus,
    mem_size_mib: config.memMib,
  });
  if (source.disk) {
    await putFile(vm, 'user/disk', await gunzipIfNeeded(source.disk.bytes.slice()));
    await callApi(vm, 'PUT', '/drives/disk', {
      drive_id: 'disk',
      path_on_host: 'user/disk',
      is_root_device: false,
      is_read_only: false,
    });
  }
}

/** Store the files and configure the VM through the API (not started). */
export async function configureLaunch(
  vm: VmHandle,
  config: LaunchConfig,
  onProgress: (progress: DownloadProgress) => void,
): Promise<void> {
  await vm.api.configureJit({ mode: config.jit ?? DEFAULT_JIT_MODE });
  if (config.source.kind === 'preset') {
    await configurePreset(vm, config.source.image, {
      vcpus: config.vcpus,
      memMib: config.memMib,
      cmdline: config.cmdline,
      disk: config.source.disk,
      entropy: true,
      onProgress,
    });
  } else {
    await configureUserFiles(vm, config.source, config);
  }
}

/** A short description of the source for tab titles and the status line. */
export function describeSource(source: KernelSource): string {
  return source.kind === 'preset' ? source.image.name : source.kernel.name;
}
