/**
 * "kvm boot vs qemu microvm -enable-kvm": the bundled x86_64 bzImage + initramfs booted to the
 * boot marker by `kindling-host --engine kvm` (InstanceStart → marker, daemon already running) and
 * by `qemu-system-x86_64 -M microvm,acpi=off -enable-kvm` (spawn → marker), in the same run.
 * Runs only where host/engine/probe.ts says KVM can run Linux (vmx/svm); elsewhere the section is
 * reported as skipped with the probe's reason (on kvm_pvm hosts: no vmx/svm).
 */
import { hasCommand } from '../lib/commands';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, BenchSkip } from '../lib/schema';
import { loadManifest, unpackImage } from '../lib/images';
import { BOOT_MARKER, DaemonProcess, put } from '../../host/daemon/test-support/daemon-process';

const SECTION = 'kvm boot vs qemu microvm -enable-kvm';
const MEM_MIB = 128;

export async function kvmVsQemuMicrovm(
  runs: number,
  results: BenchResult[],
  skipped: BenchSkip[],
): Promise<void> {
  let reason: string | undefined;
  try {
    const { probeEngine } = await import('../../host/engine/probe');
    const decision = probeEngine();
    if (decision.engine !== 'kvm') reason = decision.reason;
  } catch (error) {
    reason = `probing KVM failed: ${String(error)}`;
  }
  const image = loadManifest().find((i) => i.arch === 'x86_64');
  if (!reason && !image) reason = 'no x86_64 image in public/images/manifest.json';
  if (reason || !image) {
    console.log(`${SECTION}: skipped (${reason})`);
    skipped.push({ name: SECTION, reason: reason ?? 'no image' });
    return;
  }
  const files = unpackImage(image);
  const kernel = files.kernel!; // the bzImage (listed after vmlinux)
  const initrd = files.initrd!;
  const ours: number[] = [];
  const work = mkdtempSync(join(tmpdir(), 'kindling-bench-kvm-'));
  try {
    for (let i = 0; i < runs; i++) {
      const sock = join(work, `kvm-${i}.sock`);
      const daemon = new DaemonProcess([
        '--api-sock',
        sock,
        '--engine',
        'kvm',
        '--level',
        'Warning',
      ]);
      await daemon.waitForApi(sock, 60_000);
      await put(sock, '/boot-source', {
        kernel_image_path: kernel,
        initrd_path: initrd,
        boot_args: image.cmdline,
      });
      await put(sock, '/machine-config', { vcpu_count: 1, mem_size_mib: MEM_MIB });
      const started = performance.now();
      await put(sock, '/actions', { action_type: 'InstanceStart' });
      await daemon.waitForOutput(BOOT_MARKER, 60_000);
      ours.push(performance.now() - started);
      await daemon.kill();
    }
    const peer = qemuMicrovm(runs, kernel, initrd, image.cmdline, skipped);
    const peerValues = peer ? await peer : undefined;
    results.push({
      name: `boot to the marker under KVM (x86_64 bzImage, ${MEM_MIB} MiB)`,
      metric: 'time',
      unit: 'ms',
      higherIsBetter: false,
      ours,
      ...(peerValues
        ? {
            peer: {
              name: 'qemu-system-x86_64 -M microvm,acpi=off -enable-kvm, spawn → marker',
              values: peerValues,
            },
          }
        : {}),
      note: 'ours: InstanceStart → boot marker on the daemon console (same kernel, initramfs and command line as QEMU)',
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function qemuMicrovm(
  runs: number,
  kernel: string,
  initrd: string,
  cmdline: string,
  skipped: BenchSkip[],
): Promise<number[]> | undefined {
  if (!hasCommand('qemu-system-x86_64')) {
    skipped.push({ name: 'qemu-system-x86_64 microvm', reason: 'not installed (qemu-system-x86)' });
    return undefined;
  }
  return (async () => {
    const values: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const qemu = new DaemonProcess(
        [
          '-M',
          'microvm,acpi=off',
          '-enable-kvm',
          '-cpu',
          'host',
          '-m',
          `${MEM_MIB}M`,
          '-smp',
          '1',
          '-nographic',
          '-no-reboot',
          '-kernel',
          kernel,
          '-initrd',
          initrd,
          '-append',
          cmdline,
        ],
        { command: 'qemu-system-x86_64' },
      );
      await qemu.waitForOutput(BOOT_MARKER, 60_000);
      values.push(performance.now() - started);
      await qemu.kill();
    }
    return values;
  })();
}
