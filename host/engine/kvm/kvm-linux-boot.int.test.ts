/**
 * The bundled x86_64 Linux (public/images/x86_64: bzImage via the 64-bit boot protocol, vmlinux via
 * its PVH note; busybox initramfs) booted by `kindling-host --engine kvm` through its API socket to
 * the shell, which answers `echo`. Needs KVM that runs unmodified kernels (vmx/svm): on kvm_pvm
 * hosts the test is skipped with the probe's reason (see host/kvm/PVM.md).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  BOOT_MARKER,
  DaemonProcess,
  SHELL_PROMPT,
  put,
} from '../../daemon/test-support/daemon-process';
import { probeEngine } from '../probe';

const IMAGES = new URL('../../../public/images/x86_64/', import.meta.url).pathname;
const CMDLINE = 'console=ttyS0 reboot=k panic=1 pci=off';

function skipReason(): string | undefined {
  if (!existsSync(join(IMAGES, 'bzImage'))) return `${IMAGES}bzImage not built`;
  try {
    const decision = probeEngine();
    return decision.engine === 'kvm' ? undefined : decision.reason;
  } catch (error) {
    return `probing KVM failed: ${String(error)}`;
  }
}

const skip = skipReason();
if (skip) console.log(`skipping the x86_64 Linux boot under KVM: ${skip}`);

const dir = mkdtempSync(join(tmpdir(), 'kindling-kvm-linux-'));
const daemons: DaemonProcess[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
});

async function bootToShell(kernelPath: string, name: string): Promise<void> {
  const sock = join(dir, `${name}.sock`);
  const daemon = new DaemonProcess(['--api-sock', sock, '--id', name, '--engine', 'kvm']);
  daemons.push(daemon);
  await daemon.waitForApi(sock, 60_000);
  const boot = {
    kernel_image_path: kernelPath,
    initrd_path: join(IMAGES, 'initramfs.cpio.gz'),
    boot_args: CMDLINE,
  };
  expect((await put(sock, '/boot-source', boot)).status).toBe(204);
  expect((await put(sock, '/machine-config', { vcpu_count: 2, mem_size_mib: 256 })).status).toBe(
    204,
  );
  expect((await put(sock, '/actions', { action_type: 'InstanceStart' })).status).toBe(204);
  await daemon.waitForOutput(BOOT_MARKER, 60_000);
  await daemon.waitForOutput(SHELL_PROMPT, 30_000);
  await daemon.runCommand('echo kvm-$((40+2))', 'kvm-42');
}

describe.skipIf(skip !== undefined)('x86_64 Linux under KVM through the daemon API', () => {
  it('boots the bzImage (64-bit boot protocol) to the shell', async () => {
    await bootToShell(join(IMAGES, 'bzImage'), 'linux-bzimage');
  }, 120_000);

  it('boots vmlinux through its PVH entry to the shell', async () => {
    const vmlinux = join(dir, 'vmlinux');
    writeFileSync(vmlinux, gunzipSync(readFileSync(join(IMAGES, 'vmlinux.gz'))));
    await bootToShell(vmlinux, 'linux-pvh');
  }, 120_000);
});
