import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostArgs } from './cli-args';
import { decideEngineChoice } from './engine-choice';
import { VmmHost } from './vmm-host';
import { apiRequest, put } from './test-support/daemon-process';

const dirs: string[] = [];
const hosts: VmmHost[] = [];

function newHost(): { host: VmmHost; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-vmm-host-'));
  dirs.push(dir);
  const common = parseHostArgs(['serve', '--socket-dir', dir, '--level', 'Off']);
  const host = new VmmHost({
    socketDir: dir,
    engine: decideEngineChoice('wasm', undefined),
    common,
    maxVms: 3,
  });
  hosts.push(host);
  return { host, dir };
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('VmmHost control socket (no boot)', () => {
  it('creates, lists and removes VMs, each with its own API socket', async () => {
    const { host, dir } = newHost();
    const control = await host.listenControl();
    expect((await put(control, '/vms/a', {})).status).toBe(204);
    expect((await apiRequest(control, 'PUT', '/vms/b')).status).toBe(204);
    const listed = (await apiRequest(control, 'GET', '/vms')).json;
    expect(listed).toEqual([
      {
        id: 'a',
        arch: 'riscv64',
        engine: 'wasm',
        state: 'NotStarted',
        vcpus: 1,
        memMib: 128,
        api_sock: join(dir, 'a.sock'),
      },
      expect.objectContaining({ id: 'b' }),
    ]);
    const info = await apiRequest(join(dir, 'a.sock'), 'GET', '/');
    expect(info.json).toMatchObject({ id: 'a', state: 'Not started' });
    expect(
      (await put(join(dir, 'a.sock'), '/machine-config', { vcpu_count: 2, mem_size_mib: 64 }))
        .status,
    ).toBe(204);
    expect(host.list()[0]).toMatchObject({ vcpus: 2, memMib: 64 });
    expect((await apiRequest(control, 'DELETE', '/vms/a')).status).toBe(204);
    expect(existsSync(join(dir, 'a.sock'))).toBe(false);
    expect(host.list().map((v) => v.id)).toEqual(['b']);
  });

  it('refuses bad control requests with a fault message', async () => {
    const { host, dir } = newHost();
    const control = await host.listenControl();
    const faultOf = async (method: string, path: string, body?: string) => {
      const reply = await apiRequest(control, method, path, body);
      expect(reply.status).toBe(400);
      return (reply.json as { fault_message: string }).fault_message;
    };
    expect(await faultOf('PUT', '/vms/a', '{oops')).toMatch(/malformed JSON/);
    expect(await faultOf('PUT', '/vms/a', '[]')).toMatch(/JSON object/);
    expect(await faultOf('PUT', '/vms/a', '{"config_file": 3}')).toMatch(/must be a string/);
    expect(await faultOf('PUT', '/vms/a', '{"extra": 1}')).toMatch(/unknown field extra/);
    expect(await faultOf('PUT', '/vms/..%2fx', '{}')).toMatch(/Invalid request/);
    expect(await faultOf('DELETE', '/vms/none')).toMatch(/no VM with id none/);
    const badConfig = join(dir, 'bad.json');
    writeFileSync(badConfig, '{"boot-source": {"kernel_image_path": 5}}');
    expect(await faultOf('PUT', '/vms/c', JSON.stringify({ config_file: badConfig }))).toMatch(
      /Invalid configuration file/,
    );
    expect(
      await faultOf('PUT', '/vms/c', JSON.stringify({ config_file: join(dir, 'none.json') })),
    ).toMatch(/cannot read config file/);
    expect(host.list()).toEqual([]);
    for (const id of ['x', 'y', 'z'])
      expect((await put(control, `/vms/${id}`, {})).status).toBe(204);
    expect(await faultOf('PUT', '/vms/w', '{}')).toMatch(/at most 3 VMs/);
    await expect(host.control('x', 'pause')).rejects.toThrow(/not supported before starting/);
    await expect(host.control('nope', 'resume')).rejects.toThrow(/no VM with id nope/);
  });

  it('writes a metrics line to the path set by PUT /metrics before boot', async () => {
    const { host, dir } = newHost();
    const vm = await host.create('m');
    const path = join(dir, 'metrics.json');
    const sock = host.socketPath('m');
    expect((await put(sock, '/metrics', { metrics_path: path })).status).toBe(204);
    const line = JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[0]!) as Record<
      string,
      Record<string, number>
    >;
    expect(line.utc_timestamp_ms).toBeGreaterThan(0);
    expect(line.put_api_requests).toBeDefined();
    expect((await put(sock, '/metrics', { metrics_path: path })).status).toBe(400);
    vm.metrics.flush();
    const second = JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[1]!) as Record<
      string,
      Record<string, number>
    >;
    expect(second.put_api_requests!.metrics_count).toBe(2);
  });

  it('refuses a corrupt or missing snapshot with a fault and stays configurable', async () => {
    const { host, dir } = newHost();
    await host.create('s');
    const sock = host.socketPath('s');
    const garbage = join(dir, 'garbage.snap');
    writeFileSync(garbage, 'not a snapshot at all');
    const load = (snapshot: string) =>
      put(sock, '/snapshot/load', {
        snapshot_path: snapshot,
        mem_backend: { backend_type: 'File', backend_path: garbage },
      });
    const corrupt = await load(garbage);
    expect(corrupt.status).toBe(400);
    expect((corrupt.json as { fault_message: string }).fault_message).toMatch(
      /Failed to restore from snapshot/,
    );
    const missing = await load(join(dir, 'none.snap'));
    expect((missing.json as { fault_message: string }).fault_message).toMatch(/no such file/);
    expect((await apiRequest(sock, 'GET', '/')).json).toMatchObject({ state: 'Not started' });
    expect((await put(sock, '/machine-config', { vcpu_count: 1, mem_size_mib: 32 })).status).toBe(
      204,
    );
  });
});
