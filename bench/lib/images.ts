/** Finds the bundled images (public/images/manifest.json) and unpacks them to temporary files. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface ManifestFile {
  role: string;
  path: string;
  compression: 'gzip' | 'none';
}

export interface ManifestImage {
  name: string;
  arch: string;
  cmdline: string;
  role?: string;
  files: ManifestFile[];
}

const IMAGES_DIR = 'public/images';

export function loadManifest(): ManifestImage[] {
  const manifest = JSON.parse(readFileSync(join(IMAGES_DIR, 'manifest.json'), 'utf8')) as {
    images: ManifestImage[];
  };
  return manifest.images;
}

/** The manifest's riscv64 image, which the guest-side benchmarks boot, unpacked. */
export function unpackRiscv64Image(): { image: ManifestImage; files: Record<string, string> } {
  const image = loadManifest().find((i) => i.arch === 'riscv64');
  if (!image) throw new Error('no riscv64 image in public/images');
  return { image, files: unpackImage(image) };
}

/** Unpacks an image's files (gunzip where stored compressed) into a temp folder; returns paths by role. */
export function unpackImage(image: ManifestImage): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), `kindling-${image.name}-`));
  const paths: Record<string, string> = {};
  for (const file of image.files) {
    const stored = readFileSync(join(IMAGES_DIR, file.path));
    const bytes = file.compression === 'gzip' ? gunzipSync(stored) : stored;
    const stem = file.path.split('/').pop()!;
    const name = file.compression === 'gzip' ? stem.replace(/\.gz$/, '') : stem;
    const path = join(dir, name);
    writeFileSync(path, bytes);
    paths[file.role] = path;
  }
  return paths;
}
