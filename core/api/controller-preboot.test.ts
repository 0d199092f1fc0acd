import { describe, it, expect } from 'vitest';
import { NOT_SUPPORTED_PRE_BOOT } from './controller';
import { boot, eth0, rootDrive, setup } from './test-support/controller-harness';
import { RISCV64_LIMITS, X86_64_LIMITS, type VmConfig } from './types';

describe('VmmController: pre-boot configuration', () => {
  it('starts with defaults and reports instance info and version', async () => {
    const t = setup();
    expect(await t.ok('GET', '/')).toEqual({
      status: 200,
      body: { app_name: 'Kindling', id: 'vm1', state: 'Not started', vmm_version: '0.1.0' },
    });
    expect(await t.ok('GET', '/version')).toEqual({
      status: 200,
      body: { firecracker_version: '0.1.0' },
    });
    expect(await t.ok('GET', '/machine-config')).toEqual({
      status: 200,
      body: {
        vcpu_count: 1,
        mem_size_mib: 128,
        smt: false,
        track_dirty_pages: false,
        huge_pages: 'None',
      },
    });
  });

  it('assembles the configuration that GET /vm/config returns and start() receives', async () => {
    const t = setup();
    await t.ok('PUT', '/machine-config', { vcpu_count: 2, mem_size_mib: 256 });
    await t.ok('PATCH', '/machine-config', { track_dirty_pages: true });
    await t.ok('PUT', '/boot-source', {
      kernel_image_path: '/vmlinux',
      boot_args: 'console=ttyS0',
    });
    await t.ok('PUT', '/drives/data', {
      drive_id: 'data',
      path_on_host: '/d.img',
      is_root_device: false,
    });
    await t.ok('PUT', '/drives/rootfs', rootDrive);
    await t.ok('PUT', '/network-interfaces/eth0', eth0);
    await t.ok('PUT', '/vsock', { guest_cid: 3, uds_path: '/v.sock' });
    await t.ok('PUT', '/entropy', {});
    await t.ok('PUT', '/balloon', {
      amount_mib: 64,
      deflate_on_oom: true,
      stats_polling_interval_s: 1,
    });
    await t.ok('PUT', '/mmds/config', { network_interfaces: ['eth0'], version: 'V2' });
    const config = (await t.ok('GET', '/vm/config')) as { body: VmConfig };
    expect(config.body['machine-config']).toMatchObject({
      vcpu_count: 2,
      mem_size_mib: 256,
      track_dirty_pages: true,
    });
    expect(config.body.drives.map((d) => d.drive_id)).toEqual(['rootfs', 'data']);
    expect(config.body['mmds-config']).toEqual({
      version: 'V2',
      network_interfaces: ['eth0'],
      ipv4_address: '169.254.169.254',
    });
    await t.ok('PUT', '/actions', { action_type: 'InstanceStart' });
    expect(t.backend.startedWith).toEqual(config.body);
    expect(t.controller.state()).toBe('Running');
    expect(t.states).toEqual(['Running']);
  });

  it('PUT /machine-config resets omitted fields; PATCH keeps them', async () => {
    const t = setup();
    await t.ok('PUT', '/machine-config', { vcpu_count: 2, mem_size_mib: 256, smt: true });
    await t.ok('PATCH', '/machine-config', { mem_size_mib: 512 });
    expect(t.controller.vmConfig()['machine-config']).toMatchObject({
      vcpu_count: 2,
      smt: true,
      mem_size_mib: 512,
    });
    await t.ok('PUT', '/machine-config', { vcpu_count: 1, mem_size_mib: 128 });
    expect(t.controller.vmConfig()['machine-config'].smt).toBe(false);
  });

  it('enforces the machine limits injected for the architecture', async () => {
    const t = setup(RISCV64_LIMITS);
    expect(await t.fault('PUT', '/machine-config', { vcpu_count: 8, mem_size_mib: 128 })).toMatch(
      /less than or equal to 4/,
    );
    expect(
      await t.fault('PUT', '/machine-config', { vcpu_count: 1, mem_size_mib: 128, smt: true }),
    ).toBe('Enabling simultaneous multithreading is not supported on riscv64.');
    expect(await t.fault('PUT', '/machine-config', { vcpu_count: 1, mem_size_mib: 4096 })).toMatch(
      /between 1 and 2048/,
    );
    expect(
      await t.fault('PUT', '/machine-config', {
        vcpu_count: 1,
        mem_size_mib: 128,
        cpu_template: 'T2',
      }),
    ).toMatch(/CPU template T2 is not supported on riscv64/);
    await t.ok('PUT', '/machine-config', {
      vcpu_count: 4,
      mem_size_mib: 128,
      cpu_template: 'None',
    });
    const x86 = setup(X86_64_LIMITS);
    expect(
      await x86.fault('PUT', '/machine-config', { vcpu_count: 3, mem_size_mib: 128, smt: true }),
    ).toMatch(/even number/);
    expect(
      await x86.fault('PATCH', '/machine-config', { mem_size_mib: 129, huge_pages: '2M' }),
    ).toMatch(/multiple of the configured page size/);
    // A refused update leaves the previous configuration in place.
    expect(x86.controller.vmConfig()['machine-config'].mem_size_mib).toBe(128);
  });

  it('allows one root drive, replaces drives and interfaces by id, refuses clashes', async () => {
    const t = setup();
    await t.ok('PUT', '/drives/rootfs', rootDrive);
    expect(await t.fault('PUT', '/drives/other', { ...rootDrive, drive_id: 'other' })).toBe(
      'A root block device already exists!',
    );
    await t.ok('PUT', '/drives/rootfs', { ...rootDrive, path_on_host: '/new.ext4' });
    expect(t.controller.vmConfig().drives).toEqual([{ ...rootDrive, path_on_host: '/new.ext4' }]);
    await t.ok('PUT', '/network-interfaces/eth0', eth0);
    expect(
      await t.fault('PUT', '/network-interfaces/eth1', { iface_id: 'eth1', host_dev_name: 'tap0' }),
    ).toMatch(/tap0 is already in use/);
    expect(
      await t.fault('PUT', '/network-interfaces/eth1', {
        ...eth0,
        iface_id: 'eth1',
        host_dev_name: 'tap1',
        guest_mac: '06:00:ac:10:00:02',
      }),
    ).toMatch(/MAC address is already in use/);
    await t.ok('PUT', '/network-interfaces/eth0', { ...eth0, host_dev_name: 'tap9' });
    expect(t.controller.vmConfig()['network-interfaces']).toHaveLength(1);
  });

  it('checks balloon size against memory and MMDS interfaces against the configured ones', async () => {
    const t = setup();
    expect(await t.fault('PUT', '/balloon', { amount_mib: 129, deflate_on_oom: false })).toMatch(
      /cannot be larger/,
    );
    await t.ok('PUT', '/balloon', { amount_mib: 100, deflate_on_oom: false });
    expect(await t.fault('PATCH', '/machine-config', { mem_size_mib: 64 })).toMatch(
      /smaller than the previously set balloon/,
    );
    expect(await t.fault('PUT', '/mmds/config', { network_interfaces: [] })).toMatch(/is empty/);
    expect(await t.fault('PUT', '/mmds/config', { network_interfaces: ['eth7'] })).toMatch(/eth7/);
    expect(await t.fault('GET', '/balloon/statistics')).toBe(NOT_SUPPORTED_PRE_BOOT);
  });

  it('needs a kernel to start and reports a backend failure as a fault, staying not started', async () => {
    const t = setup();
    expect(await t.fault('PUT', '/actions', { action_type: 'InstanceStart' })).toBe(
      'Cannot start microvm without kernel configuration.',
    );
    await t.ok('PUT', '/boot-source', { kernel_image_path: '/missing' });
    t.backend.failing.set('start', 'cannot open /missing');
    expect(await t.fault('PUT', '/actions', { action_type: 'InstanceStart' })).toBe(
      'Failed to start microVM: cannot open /missing',
    );
    expect(t.controller.state()).toBe('Not started');
    t.backend.failing.clear();
    await t.ok('PUT', '/actions', { action_type: 'InstanceStart' });
  });

  it('configures logger and metrics through the backend; metrics only once', async () => {
    const t = setup();
    await t.ok('PUT', '/logger', { log_path: '/log', level: 'Info' });
    await t.ok('PUT', '/metrics', { metrics_path: '/m' });
    expect(await t.fault('PUT', '/metrics', { metrics_path: '/m2' })).toBe(
      'Reinitialization of metrics not allowed.',
    );
    expect(t.backend.calls).toEqual(['configureLogger', 'configureMetrics']);
  });

  it('stores MMDS data before and after boot', async () => {
    const t = setup();
    expect(await t.ok('GET', '/mmds')).toEqual({ status: 200, body: {} });
    expect(await t.fault('PATCH', '/mmds', { a: 1 })).toMatch(/not initialized/);
    await t.ok('PUT', '/mmds', { latest: { 'meta-data': { id: 'i-1' } } });
    await boot(t);
    await t.ok('PATCH', '/mmds', { latest: { 'meta-data': { zone: 'z' } } });
    expect(await t.ok('GET', '/mmds')).toEqual({
      status: 200,
      body: { latest: { 'meta-data': { id: 'i-1', zone: 'z' } } },
    });
    expect(t.controller.mmds.lookup('/latest/meta-data/zone')).toBe('z');
  });
});
