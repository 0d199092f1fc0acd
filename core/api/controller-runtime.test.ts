import { describe, it, expect } from 'vitest';
import type { VmmAction } from './actions';
import {
  LOAD_SNAPSHOT_NOT_ALLOWED,
  NOT_SUPPORTED_POST_BOOT,
  NOT_SUPPORTED_PRE_BOOT,
} from './controller';
import { boot, eth0, rootDrive, setup } from './test-support/controller-harness';
import { RISCV64_LIMITS, X86_64_LIMITS, type VmConfig } from './types';

describe('VmmController: runtime rules', () => {
  it("refuses pre-boot-only actions after start with Firecracker's message", async () => {
    const t = setup();
    await boot(t);
    const afterStart: [string, string, unknown][] = [
      ['PUT', '/boot-source', { kernel_image_path: '/k' }],
      ['PUT', '/machine-config', { vcpu_count: 1, mem_size_mib: 128 }],
      ['PATCH', '/machine-config', { vcpu_count: 1 }],
      ['PUT', '/drives/rootfs', rootDrive],
      ['PUT', '/network-interfaces/eth0', eth0],
      ['PUT', '/vsock', { guest_cid: 3, uds_path: '/v' }],
      ['PUT', '/entropy', {}],
      ['PUT', '/balloon', { amount_mib: 1, deflate_on_oom: true }],
      ['PUT', '/logger', {}],
      ['PUT', '/metrics', { metrics_path: '/m' }],
      ['PUT', '/mmds/config', { network_interfaces: ['eth0'] }],
      ['PUT', '/actions', { action_type: 'InstanceStart' }],
      ['PUT', '/snapshot/load', { snapshot_path: '/s', mem_file_path: '/m' }],
    ];
    for (const [method, path, body] of afterStart) {
      expect(await t.fault(method, path, body), `${method} ${path}`).toBe(NOT_SUPPORTED_POST_BOOT);
    }
  });

  it('refuses runtime-only actions before start', async () => {
    const t = setup();
    const beforeStart: [string, string, unknown][] = [
      ['PATCH', '/vm', { state: 'Paused' }],
      ['PATCH', '/vm', { state: 'Resumed' }],
      ['PUT', '/actions', { action_type: 'SendCtrlAltDel' }],
      ['PUT', '/actions', { action_type: 'FlushMetrics' }],
      ['PUT', '/snapshot/create', { snapshot_path: '/s', mem_file_path: '/m' }],
      ['PATCH', '/drives/rootfs', { drive_id: 'rootfs', path_on_host: '/x' }],
      ['PATCH', '/network-interfaces/eth0', { iface_id: 'eth0' }],
      ['PATCH', '/balloon', { amount_mib: 1 }],
      ['PATCH', '/balloon/statistics', { stats_polling_interval_s: 1 }],
    ];
    for (const [method, path, body] of beforeStart) {
      expect(await t.fault(method, path, body), `${method} ${path}`).toBe(NOT_SUPPORTED_PRE_BOOT);
    }
    expect(t.backend.calls).toEqual([]);
  });

  it('pauses and resumes, and snapshots only while paused', async () => {
    const t = setup();
    await t.ok('PATCH', '/machine-config', { track_dirty_pages: false });
    await boot(t);
    const create = { snapshot_path: '/s', mem_file_path: '/m' };
    expect(await t.fault('PUT', '/snapshot/create', create)).toMatch(/pause it first/);
    await t.ok('PATCH', '/vm', { state: 'Paused' });
    expect(((await t.ok('GET', '/')) as { body: { state: string } }).body.state).toBe('Paused');
    await t.ok('PUT', '/snapshot/create', create);
    expect(await t.fault('PUT', '/snapshot/create', { ...create, snapshot_type: 'Diff' })).toMatch(
      /dirty page tracking disabled/,
    );
    await t.ok('PATCH', '/vm', { state: 'Resumed' });
    expect(t.backend.calls).toEqual(['start', 'pause', 'createSnapshot', 'resume']);
    expect(t.states).toEqual(['Running', 'Paused', 'Running']);
  });

  it('updates drives and interfaces after boot, in the backend and in GET /vm/config', async () => {
    const t = setup();
    await t.ok('PUT', '/drives/rootfs', {
      ...rootDrive,
      rate_limiter: { bandwidth: { size: 10, refill_time: 10 }, ops: { size: 5, refill_time: 10 } },
    });
    await t.ok('PUT', '/network-interfaces/eth0', eth0);
    await boot(t);
    await t.ok('PATCH', '/drives/rootfs', {
      drive_id: 'rootfs',
      path_on_host: '/v2.ext4',
      rate_limiter: { ops: { size: 0, refill_time: 0 } },
    });
    await t.ok('PATCH', '/network-interfaces/eth0', {
      iface_id: 'eth0',
      tx_rate_limiter: { ops: { size: 9, refill_time: 1 } },
    });
    expect(await t.fault('PATCH', '/drives/nope', { drive_id: 'nope' })).toBe(
      'No drive with id "nope".',
    );
    expect(await t.fault('PATCH', '/network-interfaces/eth9', { iface_id: 'eth9' })).toMatch(
      /eth9/,
    );
    const config = t.controller.vmConfig();
    expect(config.drives[0]).toEqual({
      ...rootDrive,
      path_on_host: '/v2.ext4',
      rate_limiter: { bandwidth: { size: 10, refill_time: 10 } },
    });
    expect(config['network-interfaces'][0]!.tx_rate_limiter).toEqual({
      ops: { size: 9, refill_time: 1 },
    });
    t.backend.failing.set('updateDrive', 'cannot open /v3');
    expect(
      await t.fault('PATCH', '/drives/rootfs', { drive_id: 'rootfs', path_on_host: '/v3' }),
    ).toBe('UpdateDrive failed: cannot open /v3');
    expect(t.controller.vmConfig().drives[0]!.path_on_host).toBe('/v2.ext4');
  });

  it('balloon: updates within memory, statistics only if enabled before boot', async () => {
    const t = setup();
    await t.ok('PUT', '/balloon', { amount_mib: 10, deflate_on_oom: true });
    await boot(t);
    await t.ok('PATCH', '/balloon', { amount_mib: 20 });
    expect(await t.fault('PATCH', '/balloon', { amount_mib: 1000 })).toMatch(/cannot be larger/);
    expect(await t.fault('GET', '/balloon/statistics')).toBe(
      'Statistics for the balloon device are not enabled.',
    );
    expect(await t.fault('PATCH', '/balloon/statistics', { stats_polling_interval_s: 5 })).toMatch(
      /cannot be enabled or disabled/,
    );
    expect(await t.ok('GET', '/balloon')).toEqual({
      status: 200,
      body: { amount_mib: 20, deflate_on_oom: true, stats_polling_interval_s: 0 },
    });

    const s = setup();
    await s.ok('PUT', '/balloon', {
      amount_mib: 10,
      deflate_on_oom: true,
      stats_polling_interval_s: 1,
    });
    await boot(s);
    await s.ok('PATCH', '/balloon/statistics', { stats_polling_interval_s: 3 });
    expect(await s.ok('GET', '/balloon/statistics')).toMatchObject({
      status: 200,
      body: { target_pages: 1 },
    });
    expect(await s.fault('PATCH', '/balloon/statistics', { stats_polling_interval_s: 0 })).toMatch(
      /cannot be enabled or disabled/,
    );
    expect(await setup().fault('GET', '/balloon')).toBe('No balloon device configured.');
  });

  it('SendCtrlAltDel only where the machine has an i8042', async () => {
    const x86 = setup(X86_64_LIMITS);
    await boot(x86);
    await x86.ok('PUT', '/actions', { action_type: 'SendCtrlAltDel' });
    const rv = setup(RISCV64_LIMITS);
    await boot(rv);
    expect(await rv.fault('PUT', '/actions', { action_type: 'SendCtrlAltDel' })).toBe(
      'SendCtrlAltDel is not supported on riscv64.',
    );
  });

  it('turns a backend exception into a 400, never a rejection', async () => {
    const t = setup();
    await boot(t);
    t.backend.failing.set('flushMetrics', 'pipe closed');
    expect(await t.api('PUT', '/actions', { action_type: 'FlushMetrics' })).toEqual({
      status: 400,
      fault_message: 'FlushMetrics failed: pipe closed',
    });
    t.backend.pause = () => Promise.reject('plain string');
    expect(await t.fault('PATCH', '/vm', { state: 'Paused' })).toBe('Pause failed: plain string');
  });

  it('runs concurrent actions one at a time, in order', async () => {
    const t = setup();
    const order: string[] = [];
    let release: () => void = () => {};
    t.backend.start = () =>
      new Promise<void>((resolve) => {
        order.push('start begins');
        release = () => {
          order.push('start ends');
          resolve();
        };
      });
    await t.ok('PUT', '/boot-source', { kernel_image_path: '/k' });
    const start = t.controller.handle({ type: 'InstanceStart' });
    const drive = t.controller.handle({ type: 'InsertDrive', config: rootDrive });
    await Promise.resolve();
    release();
    expect(await start).toEqual({ status: 204 });
    expect(await drive).toEqual({ status: 400, fault_message: NOT_SUPPORTED_POST_BOOT });
    expect(order).toEqual(['start begins', 'start ends']);
  });
});

describe('VmmController: snapshot load', () => {
  const load = { snapshot_path: '/s', mem_file_path: '/m' };

  it('is refused once boot-specific resources are configured', async () => {
    const t = setup();
    await t.ok('PUT', '/logger', {}); // not boot-specific
    await t.ok('PUT', '/mmds', {}); // nor is MMDS data
    await t.ok('PUT', '/drives/rootfs', rootDrive);
    expect(await t.fault('PUT', '/snapshot/load', load)).toBe(LOAD_SNAPSHOT_NOT_ALLOWED);
  });

  it('leaves the VM paused, or running with resume_vm, and adopts the restored configuration', async () => {
    const t = setup();
    const restored: VmConfig = {
      'machine-config': { vcpu_count: 2, mem_size_mib: 512 },
      drives: [rootDrive],
      'network-interfaces': [],
    };
    t.backend.restoredConfig = restored;
    await t.ok('PUT', '/snapshot/load', load);
    expect(t.controller.state()).toBe('Paused');
    expect(((await t.ok('GET', '/vm/config')) as { body: unknown }).body).toEqual(restored);
    const r = setup();
    await r.ok('PUT', '/snapshot/load', { ...load, resume_vm: true });
    expect(r.controller.state()).toBe('Running');
    expect(r.backend.calls).toEqual(['loadSnapshot', 'resume']);
  });

  it('reports a failed restore', async () => {
    const t = setup();
    t.backend.failing.set('loadSnapshot', 'snapshot checksum mismatch');
    expect(await t.fault('PUT', '/snapshot/load', load)).toBe(
      'Failed to restore from snapshot: snapshot checksum mismatch',
    );
    expect(t.controller.state()).toBe('Not started');
  });
});

describe('VmmController: typed actions without HTTP', () => {
  it('accepts actions built directly (the Comlink path)', async () => {
    const t = setup();
    const actions: VmmAction[] = [
      { type: 'ConfigureBootSource', config: { kernel_image_path: '/k' } },
      { type: 'InstanceStart' },
      { type: 'Pause' },
    ];
    for (const a of actions) expect((await t.controller.handle(a)).status).toBe(204);
    expect(t.controller.state()).toBe('Paused');
  });
});
