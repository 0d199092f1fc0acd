/**
 * The riscv64 guest images built by images/ (public/images/riscv64/...), when present. Tests that
 * need them skip with a printed reason otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const imagesDir = fileURLToPath(new URL('../public/images/riscv64/', import.meta.url));
export const kernelPath = `${imagesDir}Image.gz`;
export const initrdPath = `${imagesDir}initramfs.cpio.gz`;
export const haveGuestImages = existsSync(kernelPath) && existsSync(initrdPath);

if (!haveGuestImages)
  console.log(`riscv64 guest images missing (${kernelPath}): skipping real-kernel tests`);

/** The uncompressed kernel Image. */
export function loadKernelImage(): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(kernelPath)));
}

/** The initramfs exactly as the kernel receives it (a gzip'd cpio: not decompressed). */
export function loadInitrd(): Uint8Array {
  return new Uint8Array(readFileSync(initrdPath));
}
