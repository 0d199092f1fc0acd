// manifest.mjs IMAGES_DIR BUILD_DIR OUT_DIR
// Writes OUT_DIR/manifest.json describing every image set found in OUT_DIR.
// Deterministic: no dates, fixed key order, sorted by the order of SETS below.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [imagesDir, buildDir, outDir] = process.argv.slice(2);
const repoRoot = join(imagesDir, '..');

const SETS = [
  {
    name: 'riscv64-virt',
    arch: 'riscv64',
    description:
      'RV64GC guest for the Kindling browser machine and QEMU virt: Linux tinyconfig + SBI, PLIC, ' +
      '16550 from the device tree, virtio-mmio (blk, net, vsock, rng, balloon); busybox initramfs.',
    cmdline: 'console=ttyS0 earlycon=sbi panic=1',
    bootTimer: { param: 'kindling.boot_timer', address: '0x00101000' },
    files: [
      { role: 'kernel', path: 'riscv64/Image.gz', compression: 'gzip', format: 'riscv-image' },
      {
        role: 'initrd',
        path: 'riscv64/initramfs.cpio.gz',
        compression: 'none',
        format: 'cpio-newc-gzip',
      },
      { role: 'disk', path: 'riscv64/disk.ext4.gz', compression: 'gzip', format: 'ext4' },
    ],
  },
  {
    name: 'x86_64-microvm',
    arch: 'x86_64',
    description:
      'x86_64 KVM microVM guest (Firecracker style): Linux tinyconfig + PVH entry, kvm-clock, ' +
      '8250 at 0x3f8, virtio-mmio from virtio_mmio.device= (blk, net, vsock, rng, balloon), ' +
      'no PCI, no ACPI; busybox initramfs. vmlinux boots via its PVH ELF note, bzImage via the Linux boot protocol.',
    cmdline: 'console=ttyS0 reboot=k panic=1 pci=off',
    bootTimer: { param: 'kindling.boot_timer', address: '0xd0000000' },
    files: [
      { role: 'kernel', path: 'x86_64/vmlinux.gz', compression: 'gzip', format: 'elf-pvh' },
      { role: 'kernel', path: 'x86_64/bzImage', compression: 'none', format: 'bzimage' },
      {
        role: 'initrd',
        path: 'x86_64/initramfs.cpio.gz',
        compression: 'none',
        format: 'cpio-newc-gzip',
      },
      { role: 'disk', path: 'x86_64/disk.ext4.gz', compression: 'gzip', format: 'ext4' },
    ],
  },
  {
    name: 'i386-v86-bench',
    arch: 'i386',
    description:
      'i386 guest for the v86 browser benchmark peer (same kernel source and userland recipe); not a Kindling machine.',
    cmdline: 'console=ttyS0 panic=1',
    files: [
      { role: 'bench-peer', path: 'i386/bzImage', compression: 'none', format: 'bzimage' },
      {
        role: 'bench-peer',
        path: 'i386/initramfs.cpio.gz',
        compression: 'none',
        format: 'cpio-newc-gzip',
      },
    ],
  },
];

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const lockField = (lock, key) => lock.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1];

const images = [];
for (const set of SETS) {
  if (!set.files.every((f) => existsSync(join(outDir, f.path)))) {
    console.log(`manifest: skipping ${set.name} (files missing)`);
    continue;
  }
  const archDir = join(imagesDir, set.arch);
  const fragment = join(archDir, 'kernel.config');
  const lock = readFileSync(join(archDir, 'busybox.lock'), 'utf8');
  const release = readFileSync(
    join(buildDir, set.arch, 'kernel/include/config/kernel.release'),
    'utf8',
  ).trim();
  const busyboxVersion = readFileSync(
    join(buildDir, set.arch, 'rootfs/busybox-version'),
    'utf8',
  ).trim();
  const files = set.files.map((f) => {
    const stored = readFileSync(join(outDir, f.path));
    const content = f.compression === 'gzip' ? gunzipSync(stored) : stored;
    return {
      ...f,
      size: stored.length,
      sha256: sha256(stored),
      uncompressedSize: content.length,
      uncompressedSha256: sha256(content),
    };
  });
  const { files: _files, ...meta } = set;
  images.push({
    ...meta,
    kernelVersion: release,
    kernelConfig: { path: relative(repoRoot, fragment), sha256: sha256(readFileSync(fragment)) },
    busyboxVersion,
    busyboxDeb: {
      package: `${lockField(lock, 'package')}:${lockField(lock, 'arch')}`,
      suite: lockField(lock, 'suite'),
      version: lockField(lock, 'version'),
      sha256: lockField(lock, 'sha256'),
    },
    files,
  });
}

const manifest = {
  schemaVersion: 1,
  sourceDateEpoch: Number(process.env.SOURCE_DATE_EPOCH ?? 0),
  images,
};
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const img of images) {
  for (const f of img.files)
    console.log(`    ${f.path}: ${f.size} bytes (${f.uncompressedSize} uncompressed)`);
}
