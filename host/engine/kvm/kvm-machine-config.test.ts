import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_MACHINE_CONFIG, type VmConfig } from '../../../core/api/types';
import { MmdsStore } from '../../../core/mmds/store';
import { machineConfigFromVm } from './kvm-machine-config';

const dir = mkdtempSync(join(tmpdir(), 'kindling-kvm-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noLog = () => {};

function vmConfig(extra: Partial<VmConfig> = {}): VmConfig {
  return {
    'machine-config': { ...DEFAULT_MACHINE_CONFIG, vcpu_count: 2, mem_size_mib: 96 },
    drives: [],
    'network-interfaces': [],
    ...extra,
  };
}

describe('machineConfigFromVm (KVM engine)', () => {
  it('inflates a gzip kernel, keeps the initrd as is, maps sizes, drives, nets and entropy', async () => {
    const kernel = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    writeFileSync(join(dir, 'vmlinux.gz'), gzipSync(kernel));
    const initrd = gzipSync(Uint8Array.of(1, 2, 3));
    writeFileSync(join(dir, 'initrd.gz'), initrd);
    writeFileSync(join(dir, 'disk.img'), new Uint8Array(4096));
    const config = await machineConfigFromVm(
      vmConfig({
        'boot-source': {
          kernel_image_path: join(dir, 'vmlinux.gz'),
          initrd_path: join(dir, 'initrd.gz'),
          boot_args: 'console=ttyS0',
        },
        drives: [
          {
            drive_id: 'rootfs',
            path_on_host: join(dir, 'disk.img'),
            is_root_device: true,
            is_read_only: true,
          },
        ],
        'network-interfaces': [
          { iface_id: 'eth0', host_dev_name: 'tap0', guest_mac: '06:00:ac:10:00:02' },
        ],
        entropy: {},
      }),
      noLog,
    );
    expect(Array.from(config.kernel)).toEqual(Array.from(kernel));
    expect(Array.from(config.initrd ?? [])).toEqual(Array.from(initrd));
    expect(config.memoryBytes).toBe(96 * 2 ** 20);
    expect(config.vcpus).toBe(2);
    expect(config.bootArgs).toBe('console=ttyS0');
    expect(config.drives?.[0]?.id).toBe('rootfs');
    expect(config.drives?.[0]?.backend.readOnly).toBe(true);
    expect(Array.from(config.nets?.[0]?.mac ?? [])).toEqual([6, 0, 0xac, 0x10, 0, 2]);
    expect(config.entropy).toBe(true);
    expect(config.mmds).toBeUndefined();
  });

  it('passes the MMDS store through when mmds-config names interfaces', async () => {
    writeFileSync(join(dir, 'k'), new Uint8Array(10));
    const store = new MmdsStore();
    const config = await machineConfigFromVm(
      vmConfig({
        'boot-source': { kernel_image_path: join(dir, 'k') },
        'mmds-config': { network_interfaces: ['eth0'] },
      }),
      noLog,
      store,
    );
    expect(config.mmds?.store).toBe(store);
    expect(config.mmds?.config.network_interfaces).toEqual(['eth0']);
  });

  it('names the missing file', async () => {
    const missing = join(dir, 'nope');
    await expect(
      machineConfigFromVm(vmConfig({ 'boot-source': { kernel_image_path: missing } }), noLog),
    ).rejects.toThrow(`cannot read ${missing}: no such file`);
    await expect(machineConfigFromVm(vmConfig(), noLog)).rejects.toThrow(/no boot source/);
  });
});
