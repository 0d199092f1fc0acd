import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

interface ImageFile {
  role: 'kernel' | 'initrd' | 'disk' | 'bench-peer';
  path: string;
  compression: 'gzip' | 'none';
  format: string;
  size: number;
  sha256: string;
  uncompressedSize: number;
  uncompressedSha256: string;
}

interface ImageSet {
  name: string;
  arch: string;
  description: string;
  cmdline: string;
  kernelVersion: string;
  kernelConfig: { path: string; sha256: string };
  busyboxVersion: string;
  files: ImageFile[];
}

interface Manifest {
  schemaVersion: number;
  images: ImageSet[];
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const imagesRoot = join(repoRoot, 'public/images');
const manifest = JSON.parse(readFileSync(join(imagesRoot, 'manifest.json'), 'utf8')) as Manifest;
const sha256 = (buf: Uint8Array): string => createHash('sha256').update(buf).digest('hex');

describe('public/images/manifest.json', () => {
  it('describes the riscv64 and x86_64 sets', () => {
    expect(manifest.schemaVersion).toBe(1);
    const arches = manifest.images.map((s) => s.arch);
    expect(arches).toContain('riscv64');
    expect(arches).toContain('x86_64');
    for (const set of manifest.images) {
      expect(set.kernelVersion).toMatch(/^6\.1\.\d+/);
      expect(set.busyboxVersion).toMatch(/^v1\.\d+\.\d+/);
      expect(set.cmdline).toContain('console=ttyS0');
      if (set.arch !== 'i386') {
        for (const role of ['kernel', 'initrd', 'disk']) {
          expect(set.files.some((f) => f.role === role)).toBe(true);
        }
      }
    }
  });

  it('has no build date (reproducible builds)', () => {
    const text = readFileSync(join(imagesRoot, 'manifest.json'), 'utf8');
    expect(text).not.toMatch(/build(Date|Time)|"date"/i);
  });

  it('keeps the committed images within 15 MB', () => {
    let total = statSync(join(imagesRoot, 'manifest.json')).size;
    for (const set of manifest.images) for (const f of set.files) total += f.size;
    expect(total).toBeLessThanOrEqual(15_000_000);
  });

  for (const set of manifest.images) {
    describe(set.name, () => {
      it('matches the sha256 of its kernel config fragment', () => {
        const fragment = readFileSync(join(repoRoot, set.kernelConfig.path));
        expect(sha256(fragment)).toBe(set.kernelConfig.sha256);
      });

      for (const file of set.files) {
        it(`${file.path}: size and sha256 of the stored and the uncompressed file`, () => {
          const path = join(imagesRoot, file.path);
          expect(existsSync(path)).toBe(true);
          const stored = readFileSync(path);
          expect(stored.length).toBe(file.size);
          expect(sha256(stored)).toBe(file.sha256);
          const content = file.compression === 'gzip' ? gunzipSync(stored) : stored;
          expect(content.length).toBe(file.uncompressedSize);
          expect(sha256(content)).toBe(file.uncompressedSha256);
          if (file.compression === 'none') {
            expect(file.uncompressedSha256).toBe(file.sha256);
          }
        });

        it(`${file.path}: content looks like ${file.format}`, () => {
          const stored = readFileSync(join(imagesRoot, file.path));
          const content = file.compression === 'gzip' ? gunzipSync(stored) : stored;
          switch (file.format) {
            case 'riscv-image':
              // RISC-V Linux Image header: magic "RSC\x05" at offset 0x38
              expect(content.subarray(0x38, 0x3c).toString('latin1')).toBe('RSC\x05');
              break;
            case 'elf-pvh':
              expect(content.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
              expect(content[4]).toBe(2); // ELFCLASS64
              // the PVH entry note (Xen ELF note type 18) carries the name "Xen"
              expect(content.includes(Buffer.from('Xen\0', 'latin1'))).toBe(true);
              break;
            case 'bzimage':
              expect(content.subarray(0x202, 0x206).toString('latin1')).toBe('HdrS');
              break;
            case 'cpio-newc-gzip': {
              expect(content[0]).toBe(0x1f);
              expect(content[1]).toBe(0x8b);
              const cpio = gunzipSync(content);
              expect(cpio.subarray(0, 6).toString('latin1')).toBe('070701');
              const text = cpio.toString('latin1');
              for (const name of ['init', 'dev/console', 'bin/busybox', 'etc/inittab']) {
                expect(text).toContain(`${name}\0`);
              }
              break;
            }
            case 'ext4':
              // superblock at 1024, s_magic at offset 0x38 within it
              expect(content.readUInt16LE(1024 + 0x38)).toBe(0xef53);
              expect(content.length).toBeLessThanOrEqual(16 * 1024 * 1024);
              break;
            default:
              throw new Error(`unknown format ${file.format}`);
          }
        });
      }
    });
  }
});
