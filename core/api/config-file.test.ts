import { describe, it, expect } from 'vitest';
import type { VmmBackend } from './backend';
import { parseConfigFile, runActions } from './config-file';
import { VmmController } from './controller';
import { RISCV64_LIMITS, type VmConfig } from './types';

const file = {
  'boot-source': { kernel_image_path: '/Image', boot_args: 'console=ttyS0 reboot=k panic=1' },
  'machine-config': { vcpu_count: 2, mem_size_mib: 256 },
  drives: [
    { drive_id: 'rootfs', path_on_host: '/rootfs.ext4', is_root_device: true, is_read_only: false },
  ],
  'network-interfaces': [
    { iface_id: 'eth0', host_dev_name: 'tap0', guest_mac: '06:00:00:00:00:01' },
  ],
  vsock: { guest_cid: 3, uds_path: '/tmp/v.sock' },
  'mmds-config': { network_interfaces: ['eth0'] },
  logger: { level: 'warning' },
};

describe('parseConfigFile', () => {
  it('produces the configuration and the actions that rebuild it through the controller', async () => {
    const result = parseConfigFile(JSON.stringify(file), RISCV64_LIMITS);
    if (!result.ok) throw new Error(result.fault);
    expect(result.actions.map((a) => a.type)).toEqual([
      'ConfigureLogger',
      'PutMachineConfig',
      'ConfigureBootSource',
      'InsertDrive',
      'InsertNetworkInterface',
      'SetVsock',
      'SetMmdsConfig',
    ]);
    expect(result.config.logger).toEqual({ level: 'Warning' });
    let started: VmConfig | undefined;
    const noop = () => {};
    const backend: VmmBackend = {
      start: (c) => void (started = c),
      pause: noop,
      resume: noop,
      sendCtrlAltDel: noop,
      flushMetrics: noop,
      createSnapshot: noop,
      loadSnapshot: () => undefined,
      updateDrive: noop,
      updateNetworkInterface: noop,
      updateBalloon: noop,
      updateBalloonStatistics: noop,
      getBalloonStatistics: () => ({
        target_pages: 0,
        actual_pages: 0,
        target_mib: 0,
        actual_mib: 0,
      }),
      configureLogger: noop,
      configureMetrics: noop,
    };
    const controller = new VmmController({ backend, limits: RISCV64_LIMITS });
    expect(await runActions(controller, [...result.actions, { type: 'InstanceStart' }])).toEqual({
      status: 204,
    });
    expect(started).toEqual(result.config);
  });

  it('refuses invalid files with a message that names the problem', () => {
    const cases: [unknown, RegExp][] = [
      ['not json', /not valid JSON/],
      [{ ...file, 'cpu-config': {} }, /unknown field "cpu-config"/],
      [
        { ...file, 'machine-config': { vcpu_count: 2 } },
        /missing required field "machine-config.mem_size_mib"/,
      ],
      [
        { ...file, drives: [file.drives[0], { ...file.drives[0], drive_id: 'two' }] },
        /root block device already exists/,
      ],
      [
        { ...file, 'machine-config': { vcpu_count: 8, mem_size_mib: 256 } },
        /less than or equal to 4/,
      ],
      [{ ...file, 'mmds-config': { network_interfaces: ['eth1'] } }, /eth1/],
      [
        { ...file, drives: [{ ...file.drives[0], is_root_device: 'yes' }] },
        /"drives\[0\].is_root_device": expected a boolean/,
      ],
    ];
    for (const [input, message] of cases) {
      const result = parseConfigFile(
        typeof input === 'string' ? input : JSON.stringify(input),
        RISCV64_LIMITS,
      );
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.fault).toMatch(message);
    }
  });

  it('accepts an empty object (everything default)', () => {
    const result = parseConfigFile('{}', RISCV64_LIMITS);
    expect(result.ok && result.actions).toEqual([]);
  });
});
