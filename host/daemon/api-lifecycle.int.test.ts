/**
 * The daemon through its Unix socket only: configure, boot, talk to the shell; API faults that must
 * leave the daemon and the running VM up; data synced to a virtio-blk drive surviving `kill -9`;
 * a snapshot restored into a new daemon process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BOOT_MARKER,
  DaemonProcess,
  SHELL_PROMPT,
  apiRequest,
  patch,
  put,
} from './test-support/daemon-process';
import { bootSource, unpackDisk } from './test-support/images';

const dir = mkdtempSync(join(tmpdir(), 'kindling-daemon-'));
const sock = join(dir, 'api.sock');
const disk = unpackDisk(join(dir, 'disk.ext4'));
const snapshot = join(dir, 'vm.snap');
const memory = join(dir, 'vm.mem');
const metrics = join(dir, 'metrics.json');
const token = `tok${process.pid}x${Date.now() % 100000}`;
const hasDebugfs = spawnSync('sh', ['-c', 'command -v debugfs']).status === 0;
if (!hasDebugfs) console.log('debugfs (e2fsprogs) missing: searching the raw disk file instead');

let daemon: DaemonProcess;

function fault(reply: { status: number; json: unknown }): string {
  expect(reply.status).toBe(400);
  return (reply.json as { fault_message: string }).fault_message;
}

async function shellAnswers(d: DaemonProcess, n: number): Promise<void> {
  await d.runCommand(`echo answer-$((${n}+1))`, `answer-${n + 1}`);
}

beforeAll(async () => {
  daemon = new DaemonProcess(['--api-sock', sock, '--id', 'lifecycle', '--engine', 'wasm']);
  await daemon.waitForApi(sock);
});

afterAll(async () => {
  await daemon?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('kindling-host over its API socket', () => {
  it('reports instance info, refuses a missing kernel at InstanceStart, then boots to the shell', async () => {
    const info = await apiRequest(sock, 'GET', '/');
    expect(info.json).toMatchObject({
      id: 'lifecycle',
      state: 'Not started',
      app_name: 'Kindling',
    });

    const missing = join(dir, 'no-such-kernel');
    expect(
      (await put(sock, '/boot-source', { ...bootSource(), kernel_image_path: missing })).status,
    ).toBe(204);
    const start = await put(sock, '/actions', { action_type: 'InstanceStart' });
    expect(fault(start)).toContain(missing);
    expect(fault(start)).toMatch(/no such file/);

    expect((await put(sock, '/boot-source', bootSource())).status).toBe(204);
    const missingDisk = join(dir, 'no-such-disk');
    const drive = { drive_id: 'data', is_root_device: false, is_read_only: false };
    expect((await put(sock, '/drives/data', { ...drive, path_on_host: missingDisk })).status).toBe(
      204,
    );
    const noDisk = fault(await put(sock, '/actions', { action_type: 'InstanceStart' }));
    expect(noDisk).toContain(`cannot open drive ${missingDisk}`);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Not started' });

    expect((await put(sock, '/machine-config', { vcpu_count: 1, mem_size_mib: 128 })).status).toBe(
      204,
    );
    expect((await put(sock, '/drives/data', { ...drive, path_on_host: disk })).status).toBe(204);
    expect((await put(sock, '/metrics', { metrics_path: metrics })).status).toBe(204);
    expect((await put(sock, '/actions', { action_type: 'InstanceStart' })).status).toBe(204);
    await daemon.waitForOutput(BOOT_MARKER, 90_000);
    await daemon.waitForOutput(SHELL_PROMPT, 30_000);
    await shellAnswers(daemon, 41);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Running' });
  });

  it('answers bad requests with 400 and a fault message, and the VM keeps running', async () => {
    expect(fault(await apiRequest(sock, 'PUT', '/machine-config', '{"vcpu_count": 1,'))).toMatch(
      /./,
    );
    expect(fault(await apiRequest(sock, 'PUT', '/mmds', '{not json'))).toMatch(/./);
    expect(fault(await put(sock, '/logger', { level: 'Info', colour: true }))).toMatch(/colour/);
    expect(fault(await patch(sock, '/vm', { state: 42 }))).toMatch(/state/);
    expect(fault(await put(sock, '/boot-source', bootSource()))).toMatch(
      /not supported after starting/,
    );
    expect(fault(await put(sock, '/actions', { action_type: 'InstanceStart' }))).toMatch(
      /after starting/,
    );
    expect(fault(await put(sock, '/actions', { action_type: 'SendCtrlAltDel' }))).toMatch(
      /riscv64/,
    );
    expect(
      fault(
        await put(sock, '/snapshot/create', { snapshot_path: snapshot, mem_file_path: memory }),
      ),
    ).toMatch(/pause it first/);
    const oversized = await apiRequest(
      sock,
      'PUT',
      '/mmds',
      JSON.stringify({ blob: 'x'.repeat(60_000) }),
    );
    expect(fault(oversized)).toMatch(/larger than the limit/);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Running' });
    await shellAnswers(daemon, 99);
  });

  it('writes a metrics line with API, vmm, uart and block counters on FlushMetrics', async () => {
    expect((await put(sock, '/actions', { action_type: 'FlushMetrics' })).status).toBe(204);
    const lines = readFileSync(metrics, 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, Record<string, unknown>>;
    expect(last.api_server!.requests).toBeGreaterThan(0);
    expect(last.api_server!.fault_responses).toBeGreaterThan(0);
    expect(last.put_api_requests!.actions_count).toBeGreaterThan(0);
    expect(last.vmm!.state).toBe('running');
    expect(last.uart!.write_count).toBeGreaterThanOrEqual(0);
    expect(last.block_data!.read_count).toBeGreaterThan(0);
  });

  it('data synced to a file-backed drive survives kill -9 of the daemon; the snapshot restores in a new daemon', async () => {
    await daemon.runCommand(
      `mount /dev/vda /mnt && echo ${token} > /mnt/f && sync && echo synced-$((1+1))`,
      'synced-2',
    );
    expect((await patch(sock, '/vm', { state: 'Paused' })).status).toBe(204);
    const created = await put(sock, '/snapshot/create', {
      snapshot_type: 'Full',
      snapshot_path: snapshot,
      mem_file_path: memory,
    });
    expect(created.status, created.body).toBe(204);
    await daemon.kill('SIGKILL');

    if (hasDebugfs) {
      const cat = spawnSync('debugfs', ['-R', 'cat /f', disk], { encoding: 'utf8' });
      expect(cat.stdout.trim()).toBe(token);
    } else {
      expect(readFileSync(disk).includes(Buffer.from(token))).toBe(true);
    }

    const restoredSock = join(dir, 'restored.sock');
    daemon = new DaemonProcess([
      '--api-sock',
      restoredSock,
      '--id',
      'restored',
      '--engine',
      'wasm',
    ]);
    await daemon.waitForApi(restoredSock);
    const load = await put(restoredSock, '/snapshot/load', {
      snapshot_path: snapshot,
      mem_backend: { backend_type: 'File', backend_path: memory },
      resume_vm: true,
    });
    expect(load.status, load.body).toBe(204);
    expect((await apiRequest(restoredSock, 'GET', '/')).json).toMatchObject({ state: 'Running' });
    await daemon.runCommand(`cat /mnt/f; echo restored-$((2+3))`, 'restored-5');
    expect(daemon.stdout).toContain(token);
  });
});
