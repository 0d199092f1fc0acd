import { describe, it, expect } from 'vitest';
import { parseRequest, type ParseResult } from './parse-request';

function action(method: string, path: string, body?: unknown) {
  const result = parseRequest(method, path, body === undefined ? undefined : JSON.stringify(body));
  if (!result.ok) throw new Error(`refused: ${result.status} ${result.fault}`);
  return result.action;
}

function refused(
  method: string,
  path: string,
  body?: unknown,
): Extract<ParseResult, { ok: false }> {
  const text = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
  const result = parseRequest(method, path, text);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.action)}`);
  return result;
}

const drive = {
  drive_id: 'rootfs',
  path_on_host: '/img/rootfs.ext4',
  is_root_device: true,
  is_read_only: false,
};
const bucket = { size: 1000, one_time_burst: 10, refill_time: 100 };

describe('parseRequest: routing', () => {
  it('maps every endpoint to its action', () => {
    expect(action('GET', '/')).toEqual({ type: 'GetInstanceInfo' });
    expect(action('GET', '/version')).toEqual({ type: 'GetVersion' });
    expect(action('GET', '/vm/config')).toEqual({ type: 'GetFullVmConfig' });
    expect(action('GET', '/machine-config')).toEqual({ type: 'GetMachineConfig' });
    expect(action('GET', '/balloon')).toEqual({ type: 'GetBalloonConfig' });
    expect(action('GET', '/balloon/statistics')).toEqual({ type: 'GetBalloonStats' });
    expect(action('get', '/mmds')).toEqual({ type: 'GetMmds' });
    expect(action('PUT', '/actions', { action_type: 'InstanceStart' })).toEqual({
      type: 'InstanceStart',
    });
    expect(action('PUT', '/actions', { action_type: 'SendCtrlAltDel' })).toEqual({
      type: 'SendCtrlAltDel',
    });
    expect(action('PUT', '/actions', { action_type: 'FlushMetrics' })).toEqual({
      type: 'FlushMetrics',
    });
    expect(action('PATCH', '/vm', { state: 'Paused' })).toEqual({ type: 'Pause' });
    expect(action('PATCH', '/vm', { state: 'Resumed' })).toEqual({ type: 'Resume' });
    expect(
      action('PUT', '/boot-source', { kernel_image_path: '/k', boot_args: 'console=ttyS0' }),
    ).toEqual({
      type: 'ConfigureBootSource',
      config: { kernel_image_path: '/k', boot_args: 'console=ttyS0' },
    });
    expect(action('PUT', '/drives/rootfs', drive)).toEqual({ type: 'InsertDrive', config: drive });
    expect(
      action('PATCH', '/drives/rootfs', { drive_id: 'rootfs', rate_limiter: { ops: bucket } }),
    ).toEqual({
      type: 'UpdateDrive',
      update: { drive_id: 'rootfs', rate_limiter: { ops: bucket } },
    });
    expect(
      action('PUT', '/network-interfaces/eth0', { iface_id: 'eth0', host_dev_name: 'tap0' }),
    ).toMatchObject({
      type: 'InsertNetworkInterface',
    });
    expect(
      action('PATCH', '/network-interfaces/eth0', { iface_id: 'eth0', rx_rate_limiter: {} }),
    ).toMatchObject({
      type: 'UpdateNetworkInterface',
    });
    expect(action('PUT', '/vsock', { guest_cid: 3, uds_path: '/v.sock' })).toMatchObject({
      type: 'SetVsock',
    });
    expect(action('PUT', '/entropy', {})).toEqual({ type: 'SetEntropy', config: {} });
    expect(action('PUT', '/balloon', { amount_mib: 0, deflate_on_oom: true })).toMatchObject({
      type: 'SetBalloon',
    });
    expect(action('PATCH', '/balloon', { amount_mib: 5 })).toMatchObject({ type: 'UpdateBalloon' });
    expect(action('PATCH', '/balloon/statistics', { stats_polling_interval_s: 1 })).toMatchObject({
      type: 'UpdateBalloonStatistics',
    });
    expect(action('PUT', '/logger', { level: 'debug', log_path: '/l' })).toEqual({
      type: 'ConfigureLogger',
      config: { level: 'Debug', log_path: '/l' },
    });
    expect(action('PUT', '/metrics', { metrics_path: '/m' })).toMatchObject({
      type: 'ConfigureMetrics',
    });
    expect(action('PUT', '/mmds', { a: [1] })).toEqual({ type: 'PutMmds', data: { a: [1] } });
    expect(action('PATCH', '/mmds', { a: null })).toEqual({
      type: 'PatchMmds',
      patch: { a: null },
    });
    expect(action('PUT', '/mmds/config', { network_interfaces: ['eth0'] })).toEqual({
      type: 'SetMmdsConfig',
      config: { version: 'V1', network_interfaces: ['eth0'], ipv4_address: '169.254.169.254' },
    });
    expect(action('PUT', '/machine-config/', { vcpu_count: 2, mem_size_mib: 256 })).toMatchObject({
      type: 'PutMachineConfig',
    });
    expect(action('PATCH', '/machine-config', { smt: false })).toEqual({
      type: 'PatchMachineConfig',
      update: { smt: false },
    });
  });

  it('answers 404 for unknown paths, 405 for wrong methods, 400 for unsupported endpoints', () => {
    expect(refused('GET', '/nope')).toEqual({
      ok: false,
      status: 404,
      fault: 'Invalid request method and/or path: GET /nope.',
    });
    expect(refused('GET', '/drives/a/b').status).toBe(404);
    expect(refused('DELETE', '/drives/rootfs').status).toBe(405);
    expect(refused('POST', '/actions', { action_type: 'InstanceStart' }).status).toBe(405);
    expect(refused('PUT', '/boot-source/').status).toBe(400); // empty body
    expect(refused('PUT', '/cpu-config', {})).toMatchObject({
      status: 400,
      fault: '/cpu-config is not supported by Kindling.',
    });
  });

  it('refuses bodies on GET and missing bodies on PUT/PATCH', () => {
    expect(refused('GET', '/', '{}').fault).toBe('GET request cannot have a body.');
    expect(refused('PUT', '/actions').fault).toBe('Empty PUT request.');
    expect(refused('PATCH', '/vm', '').fault).toBe('Empty PATCH request.');
  });

  it('refuses oversized payloads', () => {
    const big = JSON.stringify({ k: 'x'.repeat(60000) });
    expect(refused('PUT', '/mmds', big).fault).toMatch(/larger than the limit of 51200/);
    expect(parseRequest('PUT', '/mmds', big, { maxPayloadBytes: 100000 }).ok).toBe(true);
  });
});

describe('parseRequest: body validation', () => {
  const prefix = 'An error occurred when deserializing the json body of a request: ';
  it.each([
    ['PUT', '/boot-source', '{', /not valid JSON/],
    [
      'PUT',
      '/boot-source',
      { kernel_image_path: '/k', initrd: '/i' },
      /unknown field "initrd" \(expected one of: kernel_image_path, initrd_path, boot_args\)/,
    ],
    ['PUT', '/boot-source', {}, /missing required field "kernel_image_path"/],
    [
      'PUT',
      '/boot-source',
      { kernel_image_path: 5 },
      /"kernel_image_path": expected a non-empty string, got number 5/,
    ],
    [
      'PUT',
      '/machine-config',
      { vcpu_count: 0, mem_size_mib: 128 },
      /"vcpu_count": expected an integer from 1 to 32, got number 0/,
    ],
    ['PUT', '/machine-config', { vcpu_count: 33, mem_size_mib: 128 }, /from 1 to 32/],
    ['PUT', '/machine-config', { vcpu_count: 1.5, mem_size_mib: 128 }, /vcpu_count/],
    ['PUT', '/machine-config', { vcpu_count: '2', mem_size_mib: 128 }, /got "2"/],
    ['PUT', '/machine-config', { mem_size_mib: 128 }, /missing required field "vcpu_count"/],
    [
      'PUT',
      '/machine-config',
      { vcpu_count: 1, mem_size_mib: 128, huge_pages: '1G' },
      /one of "None", "Transparent", "2M"/,
    ],
    [
      'PUT',
      '/machine-config',
      { vcpu_count: 1, mem_size_mib: 128, cpu_template: 'X' },
      /cpu_template/,
    ],
    ['PATCH', '/machine-config', { smt: 'yes' }, /"smt": expected a boolean/],
    ['PUT', '/drives/rootfs', { ...drive, cache_type: 'Fast' }, /cache_type/],
    ['PUT', '/drives/rootfs', { ...drive, io_engine: 'Uring' }, /io_engine/],
    [
      'PUT',
      '/drives/rootfs',
      { ...drive, rate_limiter: { bandwidth: { size: 1 } } },
      /missing required field "rate_limiter.bandwidth.refill_time"/,
    ],
    [
      'PUT',
      '/drives/rootfs',
      { ...drive, rate_limiter: { bandwidth: { ...bucket, size: -1 } } },
      /"rate_limiter.bandwidth.size": expected an integer ≥ 0/,
    ],
    ['PUT', '/drives/rootfs', { ...drive, rate_limiter: { iops: bucket } }, /unknown field "iops"/],
    ['PUT', '/drives/rootfs', { drive_id: 'rootfs', is_root_device: true }, /path_on_host/],
    [
      'PUT',
      '/network-interfaces/eth0',
      { iface_id: 'eth0', host_dev_name: 'tap0', guest_mac: '06:00:00:00:00' },
      /invalid MAC address/,
    ],
    [
      'PUT',
      '/network-interfaces/eth0',
      { iface_id: 'eth0', host_dev_name: 'tap0', mtu: 67 },
      /"mtu": expected an integer from 68 to 65535/,
    ],
    ['PUT', '/vsock', { guest_cid: 2, uds_path: '/v' }, /"guest_cid": expected an integer from 3/],
    ['PUT', '/balloon', { amount_mib: 1 }, /missing required field "deflate_on_oom"/],
    [
      'PUT',
      '/logger',
      { level: 'Loud' },
      /"level": expected one of Error, Warning, Info, Debug, Trace, Off/,
    ],
    ['PUT', '/metrics', {}, /missing required field "metrics_path"/],
    [
      'PUT',
      '/mmds/config',
      { network_interfaces: ['eth0'], ipv4_address: '10.0.0.1' },
      /not a valid link-local/,
    ],
    ['PUT', '/mmds/config', { network_interfaces: ['eth0'], version: 'V3' }, /"version"/],
    [
      'PUT',
      '/actions',
      { action_type: 'Reboot' },
      /"action_type": expected one of "InstanceStart", "SendCtrlAltDel", "FlushMetrics"/,
    ],
    ['PATCH', '/vm', { state: 'Running' }, /"state": expected one of "Paused", "Resumed"/],
    ['PUT', '/snapshot/create', { snapshot_path: '/s' }, /missing required field "mem_file_path"/],
    [
      'PUT',
      '/snapshot/create',
      { snapshot_path: '/s', mem_file_path: '/m', snapshot_type: 'Partial' },
      /snapshot_type/,
    ],
    [
      'PUT',
      '/snapshot/load',
      { snapshot_path: '/s' },
      /Either `mem_backend` or `mem_file_path` must be present/,
    ],
    [
      'PUT',
      '/snapshot/load',
      {
        snapshot_path: '/s',
        mem_file_path: '/m',
        mem_backend: { backend_type: 'File', backend_path: '/m' },
      },
      /mutually exclusive/,
    ],
    ['PUT', '/mmds', '[1,', /not valid JSON/],
  ])('%s %s %j', (method, path, body, message) => {
    const result = refused(method, path, body);
    expect(result.status).toBe(400);
    expect(result.fault.startsWith(prefix)).toBe(true);
    expect(result.fault).toMatch(message);
  });

  it('refuses an id in the path that differs from the body, and bad ids', () => {
    expect(refused('PUT', '/drives/other', drive).fault).toBe(
      'The id from the path [other] does not match the id from the body [rootfs]!',
    );
    expect(refused('PATCH', '/network-interfaces/eth1', { iface_id: 'eth0' }).fault).toMatch(
      /\[eth1\].*\[eth0\]/,
    );
    expect(refused('PUT', '/drives/', drive).fault).toBe('The ID cannot be empty.');
    expect(refused('PUT', '/drives/a-b', { ...drive, drive_id: 'a-b' }).fault).toMatch(
      /alphanumeric/,
    );
  });

  it('normalises snapshot load parameters', () => {
    expect(
      action('PUT', '/snapshot/load', {
        snapshot_path: '/s',
        mem_file_path: '/m',
        enable_diff_snapshots: true,
      }),
    ).toEqual({
      type: 'LoadSnapshot',
      params: {
        snapshot_path: '/s',
        mem_backend: { backend_type: 'File', backend_path: '/m' },
        track_dirty_pages: true,
        resume_vm: false,
      },
    });
    expect(action('PUT', '/snapshot/create', { snapshot_path: '/s', mem_file_path: '/m' })).toEqual(
      {
        type: 'CreateSnapshot',
        params: { snapshot_type: 'Full', snapshot_path: '/s', mem_file_path: '/m' },
      },
    );
  });

  it('treats explicit null optional fields as absent', () => {
    expect(action('PUT', '/boot-source', { kernel_image_path: '/k', initrd_path: null })).toEqual({
      type: 'ConfigureBootSource',
      config: { kernel_image_path: '/k' },
    });
  });

  it('never throws on arbitrary input', () => {
    const bodies = ['null', '0', '"s"', '[]', '{"__proto__":{}}', '{"a":', '\u0000', 'true'];
    const paths = [
      '/',
      '/drives/x',
      '/mmds',
      '/machine-config',
      '/actions',
      '/vm',
      '/snapshot/load',
      '//',
      '/%zz',
    ];
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', '']) {
      for (const path of paths) {
        for (const body of [...bodies, undefined]) {
          const result = parseRequest(method, path, body);
          expect(typeof result.ok).toBe('boolean');
        }
      }
    }
  });
});
