/**
 * The bundled guest images (public/images/manifest.json, written by images/build.sh) and their
 * download: a progress callback per file, gzip undone in the browser when the manifest says so.
 */

export interface ImageFile {
  role: 'kernel' | 'initrd' | 'disk' | string;
  /** Relative to images/ (also the API path the client stores it under). */
  path: string;
  compression: 'gzip' | 'none';
  format: string;
  size: number;
  uncompressedSize: number;
  sha256?: string;
}

export interface ImageEntry {
  name: string;
  arch: 'riscv64' | 'x86_64' | string;
  description: string;
  cmdline: string;
  files: ImageFile[];
  kernelVersion?: string;
}

export interface ImageManifest {
  schemaVersion: number;
  images: ImageEntry[];
}

export interface DownloadProgress {
  file: string;
  received: number;
  total: number;
}

export class ImageError extends Error {
  override readonly name = 'ImageError';
}

/** Where images/ is served: next to the page (the build copies public/ to the site root). */
export function imagesBase(): URL {
  return new URL('images/', document.baseURI);
}

export async function loadManifest(base: URL = imagesBase()): Promise<ImageManifest> {
  const response = await fetch(new URL('manifest.json', base));
  if (!response.ok) throw new ImageError(`cannot load the image manifest: HTTP ${response.status}`);
  const manifest = (await response.json()) as ImageManifest;
  if (!Array.isArray(manifest.images)) throw new ImageError('the image manifest lists no images');
  return manifest;
}

/** The first image for an architecture (the bundled riscv64 guest by default). */
export function findImage(manifest: ImageManifest, arch = 'riscv64'): ImageEntry {
  const image = manifest.images.find((i) => i.arch === arch);
  if (!image) throw new ImageError(`the manifest has no ${arch} image`);
  return image;
}

export function imageFile(image: ImageEntry, role: string): ImageFile | undefined {
  return image.files.find((f) => f.role === role);
}

/** Download one file with progress (bytes received of the stored size) and inflate gzip. */
export async function fetchImageFile(
  file: ImageFile,
  onProgress?: (progress: DownloadProgress) => void,
  base: URL = imagesBase(),
): Promise<Uint8Array> {
  const response = await fetch(new URL(file.path, base));
  if (!response.ok || !response.body) {
    throw new ImageError(`cannot download ${file.path}: HTTP ${response.status}`);
  }
  // Static servers often send *.gz with Content-Encoding: gzip, and then the browser has inflated
  // the body already: progress counts inflated bytes, and only a body still in gzip is inflated.
  const inflatedInTransit = response.headers.get('content-encoding') === 'gzip';
  let total = inflatedInTransit ? file.uncompressedSize : file.size;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    total = Math.max(total, received);
    onProgress?.({ file: file.path, received, total });
  }
  const stored = concat(chunks, received);
  return file.compression === 'gzip' && isGzip(stored) ? gunzip(stored, file.path) : stored;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new ImageError(`${name} does not inflate as gzip: ${String(error)}`);
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
