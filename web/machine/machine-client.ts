/**
 * The page-side library for browser microVMs: one VMM worker per VM, driven through Comlink with
 * the VmmApi contract, plus helpers that turn a bundled image into Firecracker API calls and move
 * snapshots in and out of the page. The UI and `window.kindling` are both built on this.
 */
import * as Comlink from 'comlink';
import type { ApiResponse, VmmApi } from '../../workers/browser/vmm-api';
import {
  fetchImageFile,
  imageFile,
  ImageError,
  type DownloadProgress,
  type ImageEntry,
} from './image-manifest';

export interface VmHandle {
  /** The VM's API (every call is asynchronous). */
  readonly api: Comlink.Remote<VmmApi>;
  /** End the VM and its workers at once. */
  dispose(): void;
}

export class VmApiError extends Error {
  override readonly name = 'VmApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Spawn a VMM worker (which spawns one worker per vCPU when the VM starts). */
export function createVm(): VmHandle {
  const worker = new Worker(new URL('../../workers/browser/vmm.worker.ts', import.meta.url), {
    type: 'module',
    name: 'kindling-vmm',
  });
  const api = Comlink.wrap<VmmApi>(worker);
  return {
    api,
    dispose() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Store a file in the VM (moved, not copied: `bytes` is unusable afterwards). */
export function putFile(vm: VmHandle, path: string, bytes: Uint8Array): Promise<void> {
  return vm.api.putFile(path, Comlink.transfer(bytes, [bytes.buffer]));
}

/** A Firecracker API call that throws VmApiError with the fault message when it fails. */
export async function callApi(
  vm: VmHandle,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const response = await vm.api.request(
    method,
    path,
    body === undefined ? undefined : JSON.stringify(body),
  );
  if (response.status >= 300) {
    const fault = (response.body as { fault_message?: string } | undefined)?.fault_message;
    throw new VmApiError(
      response.status,
      `${method} ${path}: ${fault ?? `HTTP ${response.status}`}`,
    );
  }
  return response;
}

/** Follow the console (batched chunks) with a plain callback; returns the backlog. */
export function attachConsole(
  vm: VmHandle,
  onOutput: (bytes: Uint8Array) => void,
): Promise<Uint8Array> {
  return vm.api.attachConsole(Comlink.proxy(onOutput));
}

export function onVmEvent(vm: VmHandle, callback: Parameters<VmmApi['onEvent']>[0]): Promise<void> {
  return vm.api.onEvent(Comlink.proxy(callback));
}

export interface PresetOptions {
  vcpus: number;
  memMib: number;
  cmdline?: string;
  /** Attach the image's ext4 disk as a writable virtio-blk drive (id "disk"). */
  disk?: boolean;
  /** Attach a virtio-rng device. */
  entropy?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Bytes fetched per image path, so a page booting many VMs downloads each file once. */
const downloads = new Map<string, Promise<Uint8Array>>();

async function imageBytes(
  image: ImageEntry,
  role: string,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<{ path: string; bytes: Uint8Array }> {
  const file = imageFile(image, role);
  if (!file) throw new ImageError(`image ${image.name} has no ${role} file`);
  let download = downloads.get(file.path);
  if (!download) {
    download = fetchImageFile(file, onProgress);
    downloads.set(file.path, download);
    download.catch(() => downloads.delete(file.path));
  }
  // Each VM gets its own copy: the transfer moves it, and a disk is written by its guest.
  return { path: file.path, bytes: (await download).slice() };
}

/** Store the image's files in the VM and configure it through the API, without starting it. */
export async function configurePreset(
  vm: VmHandle,
  image: ImageEntry,
  options: PresetOptions,
): Promise<void> {
  const roles = ['kernel', 'initrd', ...(options.disk ? ['disk'] : [])];
  const files = await Promise.all(roles.map((r) => imageBytes(image, r, options.onProgress)));
  for (const file of files) await putFile(vm, file.path, file.bytes);
  const [kernel, initrd, disk] = files;
  await callApi(vm, 'PUT', '/boot-source', {
    kernel_image_path: kernel!.path,
    initrd_path: initrd!.path,
    boot_args: options.cmdline ?? image.cmdline,
  });
  await callApi(vm, 'PUT', '/machine-config', {
    vcpu_count: options.vcpus,
    mem_size_mib: options.memMib,
  });
  if (disk) {
    await callApi(vm, 'PUT', '/drives/disk', {
      drive_id: 'disk',
      path_on_host: disk.path,
      is_root_device: false,
      is_read_only: false,
    });
  }
  if (options.entropy) await callApi(vm, 'PUT', '/entropy', {});
}

export async function startVm(vm: VmHandle): Promise<void> {
  await callApi(vm, 'PUT', '/actions', { action_type: 'InstanceStart' });
}

/** Configure from a bundled image and boot. */
export async function bootPreset(
  vm: VmHandle,
  image: ImageEntry,
  options: PresetOptions,
): Promise<void> {
  await configurePreset(vm, image, options);
  await startVm(vm);
}

export const SNAPSHOT_STATE_PATH = 'snapshot/vm.state';
export const SNAPSHOT_MEMORY_PATH = 'snapshot/vm.mem';

/**
 * Pause the VM (if it runs), write a Full snapshot, and return every file the VM holds: the state
 * and memory files plus the kernel, initrd and disks as they are now — what a restore needs.
 * The VM stays paused.
 */
export async function takeSnapshot(vm: VmHandle): Promise<Record<string, Uint8Array>> {
  const info = await callApi(vm, 'GET', '/');
  if ((info.body as { state?: string } | undefined)?.state === 'Running') {
    await callApi(vm, 'PATCH', '/vm', { state: 'Paused' });
  }
  await callApi(vm, 'PUT', '/snapshot/create', {
    snapshot_type: 'Full',
    snapshot_path: SNAPSHOT_STATE_PATH,
    mem_file_path: SNAPSHOT_MEMORY_PATH,
  });
  const files: Record<string, Uint8Array> = {};
  for (const { path } of await vm.api.listFiles()) files[path] = await vm.api.readFile(path);
  return files;
}

export interface RestoreOptions {
  /** Resume at once (otherwise the VM stays paused until PATCH /vm Resumed). */
  resume?: boolean;
  statePath?: string;
  memoryPath?: string;
  /** Supply this bundled image's kernel and initrd when `files` lacks them (user-chosen files). */
  image?: ImageEntry;
}

/**
 * A new VM restored from snapshot files (as takeSnapshot returns them, or chosen by the user: the
 * state and memory files, plus any disk under the path the snapshot's configuration names). The
 * files are moved into the new VM.
 */
export async function restoreSnapshot(
  files: Record<string, Uint8Array>,
  options: RestoreOptions = {},
): Promise<VmHandle> {
  const vm = createVm();
  try {
    for (const [path, bytes] of Object.entries(files)) await putFile(vm, path, bytes);
    if (options.image) {
      for (const role of ['kernel', 'initrd']) {
        const path = imageFile(options.image, role)?.path;
        if (path && !(path in files)) {
          const file = await imageBytes(options.image, role);
          await putFile(vm, file.path, file.bytes);
        }
      }
    }
    await callApi(vm, 'PUT', '/snapshot/load', {
      snapshot_path: options.statePath ?? SNAPSHOT_STATE_PATH,
      mem_backend: {
        backend_type: 'File',
        backend_path: options.memoryPath ?? SNAPSHOT_MEMORY_PATH,
      },
      resume_vm: options.resume ?? false,
    });
    return vm;
  } catch (error) {
    vm.dispose();
    throw error;
  }
}

/** Offer bytes to the user as a download. */
export function downloadBytes(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
