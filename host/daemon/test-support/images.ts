/** The bundled riscv64 image for daemon tests: kernel and initrd as stored, the disk unpacked. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const IMAGES = resolve(fileURLToDir(import.meta.url), '../../../public/images/riscv64');

function fileURLToDir(url: string): string {
  return new URL('.', url).pathname;
}

export const RISCV64_KERNEL = join(IMAGES, 'Image.gz');
export const RISCV64_INITRD = join(IMAGES, 'initramfs.cpio.gz');
export const RISCV64_CMDLINE = 'console=ttyS0 earlycon=sbi panic=1';

export function bootSource() {
  return {
    kernel_image_path: RISCV64_KERNEL,
    initrd_path: RISCV64_INITRD,
    boot_args: RISCV64_CMDLINE,
  };
}

/** The bundled ext4 disk, decompressed to `path` (a writable drive for the guest). */
export function unpackDisk(path: string): string {
  writeFileSync(path, gunzipSync(readFileSync(join(IMAGES, 'disk.ext4.gz'))));
  return path;
}
