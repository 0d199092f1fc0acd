/**
 * The daemon's KVM engine through its API socket, with the fake kernel (host/test-guests/fake-kernel.S)
 * loaded by the Linux boot path exactly like a real bzImage. On kvm_pvm hosts `--engine kvm` is
 * refused by the probe, so the test sets the documented test-only override
 * KINDLING_KVM_ALLOW_SMALL_GUESTS=1 (engine-choice.ts); on hosts with vmx/svm it is not needed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOW_SMALL_GUESTS_ENV } from '../../daemon/engine-choice';
import { DaemonProcess, apiRequest, patch, put } from '../../daemon/test-support/daemon-process';
import { kvmUnavailableReason } from '../../kvm/kvm-availability';
import { FAKE_KERNEL_PATH } from '../../test-guests/test-guests';

const unavailable = kvmUnavailableReason();
if (unavailable) console.log(`skipping the KVM engine daemon test: ${unavailable}`);

const dir = mkdtempSync(join(tmpdir(), 'kindling-kvm-daemon-'));
const daemons: DaemonProcess[] = [];

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
});

function fault(reply: { status: number; json: unknown }): string {
  expect(reply.status).toBe(400);
  return (reply.json as { fault_message: string }).fault_message;
}

async function configure(sock: string, bootArgs: string): Promise<void> {
  const disk = join(dir, `disk-${daemons.length}.img`);
  writeFileSync(disk, new Uint8Array(1 << 20));
  const kernel = fileURLToPath(FAKE_KERNEL_PATH);
  expect(
    (await put(sock, '/boot-source', { kernel_image_path: kernel, boot_args: bootArgs })).status,
  ).toBe(204);
  expect((await put(sock, '/machine-config', { vcpu_count: 2, mem_size_mib: 64 })).status).toBe(
    204,
  );
  const drive = {
    drive_id: 'rootfs',
    path_on_host: disk,
    is_root_device: true,
    is_read_only: false,
  };
  expect((await put(sock, '/drives/rootfs', drive)).status).toBe(204);
  expect((await put(sock, '/entropy', {})).status).toBe(204);
}

async function startDaemon(
  name: string,
  extraArgs: string[] = [],
): Promise<{ daemon: DaemonProcess; sock: string }> {
  const sock = join(dir, `${name}.sock`);
  process.env[ALLOW_SMALL_GUESTS_ENV] = '1';
  const args = ['--api-sock', sock, '--id', name, '--engine', 'kvm', ...extraArgs];
  const daemon = new DaemonProcess(args);
  delete process.env[ALLOW_SMALL_GUESTS_ENV];
  daemons.push(daemon);
  await daemon.waitForApi(sock, 60_000);
  return { daemon, sock };
}

describe.skipIf(unavailable !== undefined)('kindling-host --engine kvm (fake kernel)', () => {
  it('boots the fake kernel through the API: the guest checks boot_params, MP table and virtio, then resets', async () => {
    const { daemon, sock } = await startDaemon('kvm-fake');
    expect(daemon.stderr + daemon.stdout).toMatch(/kvm/i);
    await configure(sock, 'console=ttyS0 reboot=k panic=1');
    // A file that is no kernel: a 400 naming the problem, and the daemon stays up for a retry.
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, new Uint8Array(8192).fill(0x90));
    expect((await put(sock, '/boot-source', { kernel_image_path: garbage })).status).toBe(204);
    const refused = await put(sock, '/actions', { action_type: 'InstanceStart' });
    expect(fault(refused)).toMatch(/not a bzImage/);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Not started' });
    const kernel = fileURLToPath(FAKE_KERNEL_PATH);
    const boot = { kernel_image_path: kernel, boot_args: 'console=ttyS0 reboot=k panic=1' };
    expect((await put(sock, '/boot-source', boot)).status).toBe(204);
    const start = await put(sock, '/actions', { action_type: 'InstanceStart' });
    expect(start.status).toBe(204);
    await daemon.waitForOutput('PASS\n', 30_000);
    expect(daemon.stdout).toContain('mp: checksums ok, cpus 2');
    expect(daemon.stdout).toContain('virtio: magic ok, version 2, device id 2');
    expect(daemon.stdout).toMatch(
      /cmdline: console=ttyS0 reboot=k panic=1 virtio_mmio\.device=4K@0xd0001000:5 virtio_mmio\.device=4K@0xd0002000:6/,
    );
    // The i8042 reset stops the microVM and, as Firecracker does, the daemon exits cleanly.
    expect((await daemon.exited).code).toBe(0);
  }, 90_000);

  it('pauses, refuses a snapshot with a clear 400, resumes, and SendCtrlAltDel reaches the guest through the i8042', async () => {
    const metrics = join(dir, 'metrics.json');
    writeFileSync(metrics, '');
    const { daemon, sock } = await startDaemon('kvm-wait', ['--metrics-path', metrics]);
    await configure(sock, 'console=ttyS0 reboot=k fake.wait');
    expect((await put(sock, '/actions', { action_type: 'InstanceStart' })).status).toBe(204);
    await daemon.waitForOutput('waiting for a console byte or a key\n', 30_000);
    expect((await patch(sock, '/vm', { state: 'Paused' })).status).toBe(204);
    const snapshot = await put(sock, '/snapshot/create', {
      snapshot_path: join(dir, 'vm.snap'),
      mem_file_path: join(dir, 'vm.mem'),
    });
    expect(fault(snapshot)).toMatch(/not supported on the KVM engine yet/);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Paused' });
    expect((await patch(sock, '/vm', { state: 'Resumed' })).status).toBe(204);
    expect((await put(sock, '/actions', { action_type: 'FlushMetrics' })).status).toBe(204);
    const line = JSON.parse(readFileSync(metrics, 'utf8').trim().split('\n').at(-1)!) as Record<
      string,
      unknown
    >;
    for (const group of ['vmm', 'uart', 'i8042', 'block_rootfs'])
      expect(line).toHaveProperty(group);
    expect(line['vmm']).toMatchObject({ state: 'running', vcpus: 2 });
    expect((await put(sock, '/actions', { action_type: 'SendCtrlAltDel' })).status).toBe(204);
    await daemon.waitForOutput('key: ctrl-alt-del\n', 30_000);
    expect((await daemon.exited).code).toBe(0);
  }, 90_000);

  it('types console input into the guest (stdin → 16550 receive FIFO)', async () => {
    const { daemon, sock } = await startDaemon('kvm-input');
    await configure(sock, 'console=ttyS0 fake.wait');
    expect((await put(sock, '/actions', { action_type: 'InstanceStart' })).status).toBe(204);
    await daemon.waitForOutput('waiting for a console byte or a key\n', 30_000);
    daemon.child.stdin.write('Z');
    await daemon.waitForOutput('console byte: Z\n', 30_000);
    expect((await daemon.exited).code).toBe(0);
  }, 90_000);
});
