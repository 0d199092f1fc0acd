/**
 * The riscv64 machine in Node worker_threads, booting the bundled Linux image: the checks of
 * issue 7 (boot with 1 and 2 harts, shell commands, virtio-blk, virtio-rng, poweroff, idle CPU,
 * snapshot and restore into a new machine).
 */
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk/backend';
import { GuestShell } from '../../core/console/test-support/guest-shell';
import type { VmConfig } from '../../core/api/types';
import { createNodeMachine } from './node-machine';
import type { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import type { MachineSpec } from '../common/riscv64/machine-spec';
import { Riscv64VmmBackend } from '../common/riscv64/vmm-backend';
import { FileStoreError, type FileStore } from '../common/riscv64/file-store';

const IMAGES = 'public/images/riscv64';
const haveImages = existsSync(`${IMAGES}/Image.gz`);
if (!haveImages)
  console.log(`machine tests skipped: no bundled image at ${IMAGES} (run npm run images)`);

const MARKER = 'kindling: boot complete';
const BOOT_TIMEOUT = 90_000;
const PROMPT = /kindling:.*# $/m;

const machines: Riscv64Machine[] = [];
afterEach(() => {
  for (const m of machines.splice(0)) m.stop({ kind: 'killed', message: 'test over' });
});

function imageSpec(overrides: Partial<MachineSpec> = {}): MachineSpec {
  return {
    vcpus: 1,
    memMib: 128,
    cmdline: 'console=ttyS0 earlycon=sbi panic=1',
    kernel: new Uint8Array(gunzipSync(readFileSync(`${IMAGES}/Image.gz`))),
    initrd: new Uint8Array(readFileSync(`${IMAGES}/initramfs.cpio.gz`)),
    bootTimer: true,
    ...overrides,
  };
}

async function boot(spec: MachineSpec): Promise<{ machine: Riscv64Machine; shell: GuestShell }> {
  const machine = createNodeMachine(spec);
  machines.push(machine);
  const shell = new GuestShell(machine.console);
  machine.start();
  await shell.waitFor(MARKER, BOOT_TIMEOUT);
  await shell.waitFor(PROMPT, 20_000);
  return { machine, shell };
}

describe.skipIf(!haveImages)('riscv64 machine in Node', () => {
  it('boots one hart to a shell that runs commands, uses virtio-blk and virtio-rng, and powers off', async () => {
    const disk = new MemoryBlockBackend(
      new Uint8Array(gunzipSync(readFileSync(`${IMAGES}/disk.ext4.gz`))),
    );
    const { machine, shell } = await boot(
      imageSpec({ drives: [{ id: 'data', backend: disk }], entropy: true }),
    );
    expect(machine.metrics().bootTimeUs).toBeGreaterThan(0);

    expect(await shell.run('uname -a')).toMatch(/Linux kindling .* riscv64/);
    expect((await shell.run('grep -c ^processor /proc/cpuinfo')).trim()).toBe('1');
    // U-mode reads the time CSR through the vDSO (ping timestamps): scounteren must allow it.
    expect(await shell.run('ip link set lo up; ping -c 1 127.0.0.1')).toMatch(/1 packets received/);

    const token = `kindling-${Date.now().toString(36)}`;
    await shell.run('mount -t ext4 /dev/vda /mnt');
    await shell.run(`echo ${token} > /mnt/token.txt; sync`);
    expect((await shell.run('cat /mnt/token.txt')).trim()).toBe(token);
    await shell.run('umount /mnt');
    // The write reached the block backend, not just the guest's page cache.
    expect(Buffer.from(disk.bytes).includes(Buffer.from(token))).toBe(true);

    const hex = (await shell.run('head -c 16 /dev/hwrng | od -An -tx1 | tr -d " \\n"')).trim();
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    const again = (await shell.run('head -c 16 /dev/hwrng | od -An -tx1 | tr -d " \\n"')).trim();
    expect(again).not.toBe(hex);

    shell.type('poweroff\n');
    expect(await machine.stopped).toEqual({ kind: 'poweroff' });
  });

  it('boots two harts, both online', async () => {
    const { shell } = await boot(imageSpec({ vcpus: 2 }));
    const cpuinfo = await shell.run('cat /proc/cpuinfo');
    expect(cpuinfo.match(/^processor\s*:/gm)).toHaveLength(2);
    expect(cpuinfo).toMatch(/hart\s*:\s*1/);
    expect((await shell.run('cat /sys/devices/system/cpu/online')).trim()).toBe('0-1');
  });

  it('costs almost no host CPU while the shell is idle', async () => {
    const { machine } = await boot(imageSpec({ vcpus: 2 }));
    // The first seconds after the prompt are still the boot's tail (busybox init finishing, V8
    // tiering the CPU module up in background threads): measured at 2-3 % of a core, then a steady
    // ~0.6 %. The requirement is about an idle shell, so measure after that.
    await new Promise((r) => setTimeout(r, 10_000));
    const instret = () => machine.metrics().harts.map((h) => h.instret);
    const instretBefore = instret();
    const before = process.cpuUsage();
    const wallStart = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const used = process.cpuUsage(before);
    // Sleeping harts still publish their instruction counts (the live instr/s is not stuck at 0).
    const instretAfter = instret();
    for (const [h, count] of instretAfter.entries()) {
      expect(count, `hart ${h} instret while idle`).toBeGreaterThan(instretBefore[h]!);
    }
    const share = (used.user + used.system) / 1000 / (performance.now() - wallStart);
    console.log(`idle shell, 2 harts: ${(share * 100).toFixed(2)} % of one core over 10 s`);
    expect(share).toBeLessThan(0.02);
  });

  it('snapshots a running shell and restores it into a new machine that answers', async () => {
    const files = new MemoryFileStore();
    files.put('/Image.gz', readFileSync(`${IMAGES}/Image.gz`));
    files.put('/initrd', readFileSync(`${IMAGES}/initramfs.cpio.gz`));
    const config: VmConfig = {
      'boot-source': {
        kernel_image_path: '/Image.gz',
        initrd_path: '/initrd',
        boot_args: 'console=ttyS0 panic=1',
      },
      'machine-config': { vcpu_count: 2, mem_size_mib: 64 },
      drives: [],
      'network-interfaces': [],
    };
    const first = new Riscv64VmmBackend({
      files,
      createMachine: (spec) => track(createNodeMachine(spec)),
    });
    await first.start(config);
    const shell = new GuestShell(first.machine!.console);
    await shell.waitFor(MARKER, BOOT_TIMEOUT);
    await shell.run('echo state-before > /tmp/s');
    await first.pause();
    await first.createSnapshot({
      snapshot_type: 'Full',
      snapshot_path: '/snap',
      mem_file_path: '/mem',
    });
    first.machine!.stop({ kind: 'killed', message: 'replaced by its snapshot' });

    const second = new Riscv64VmmBackend({
      files,
      createMachine: (spec) => track(createNodeMachine(spec)),
    });
    const restoredConfig = await second.loadSnapshot({
      snapshot_path: '/snap',
      mem_backend: { backend_type: 'File', backend_path: '/mem' },
      track_dirty_pages: false,
      resume_vm: true,
    });
    expect(restoredConfig?.['machine-config'].vcpu_count).toBe(2);
    expect(second.machine!.state).toBe('paused');
    second.resume();
    const restoredShell = new GuestShell(second.machine!.console);
    expect((await restoredShell.run('cat /tmp/s')).trim()).toBe('state-before');
    expect((await restoredShell.run('grep -c ^processor /proc/cpuinfo')).trim()).toBe('2');
  });

  it('refuses a memory file that belongs to another snapshot', async () => {
    const files = new MemoryFileStore();
    files.put('/Image.gz', readFileSync(`${IMAGES}/Image.gz`));
    const config: VmConfig = {
      'boot-source': { kernel_image_path: '/Image.gz', boot_args: 'console=ttyS0' },
      'machine-config': { vcpu_count: 1, mem_size_mib: 32 },
      drives: [],
      'network-interfaces': [],
    };
    const backend = new Riscv64VmmBackend({
      files,
      createMachine: (spec) => track(createNodeMachine(spec)),
    });
    await backend.start(config);
    await backend.pause();
    await backend.createSnapshot({
      snapshot_type: 'Full',
      snapshot_path: '/a',
      mem_file_path: '/a.mem',
    });
    backend.resume();
    await new Promise((r) => setTimeout(r, 200));
    await backend.pause();
    await backend.createSnapshot({
      snapshot_type: 'Full',
      snapshot_path: '/b',
      mem_file_path: '/b.mem',
    });
    const other = new Riscv64VmmBackend({
      files,
      createMachine: (spec) => track(createNodeMachine(spec)),
    });
    await expect(
      other.loadSnapshot({
        snapshot_path: '/a',
        mem_backend: { backend_type: 'File', backend_path: '/b.mem' },
        track_dirty_pages: false,
        resume_vm: false,
      }),
    ).rejects.toThrow(/does not belong to this snapshot/);
    expect(other.machine).toBeUndefined();
  });
});

describe.skipIf(!haveImages)('riscv64 machine rate limiters', () => {
  it('gives drives and interfaces token buckets that a runtime update changes', async () => {
    const files = new MemoryFileStore();
    files.put('/Image.gz', readFileSync(`${IMAGES}/Image.gz`));
    files.put('/disk', new Uint8Array(1024 * 1024));
    const config: VmConfig = {
      'boot-source': { kernel_image_path: '/Image.gz', boot_args: 'console=ttyS0' },
      'machine-config': { vcpu_count: 1, mem_size_mib: 32 },
      drives: [
        {
          drive_id: 'data',
          path_on_host: '/disk',
          is_root_device: false,
          rate_limiter: { ops: { size: 100, refill_time: 1000 } },
        },
      ],
      'network-interfaces': [{ iface_id: 'eth0', host_dev_name: 'switch' }],
    };
    const backend = new Riscv64VmmBackend({
      files,
      createMachine: (spec) => track(createNodeMachine(spec)),
    });
    await backend.start(config);
    const machine = backend.machine!;
    expect(machine.rateLimiterConfig('drive', 'data')).toEqual({
      ops: { size: 100, refill_time: 1000 },
    });
    expect(machine.rateLimiterConfig('net-rx', 'eth0')).toEqual({});

    backend.updateDrive({
      drive_id: 'data',
      rate_limiter: { bandwidth: { size: 4096, refill_time: 100 } },
    });
    expect(machine.rateLimiterConfig('drive', 'data')?.bandwidth).toEqual({
      size: 4096,
      refill_time: 100,
    });
    backend.updateNetworkInterface({
      iface_id: 'eth0',
      tx_rate_limiter: { ops: { size: 10, refill_time: 10 } },
    });
    expect(machine.rateLimiterConfig('net-tx', 'eth0')).toEqual({
      ops: { size: 10, refill_time: 10 },
    });

    expect(() => backend.updateDrive({ drive_id: 'nope', rate_limiter: {} })).toThrow(
      /no drive "nope"/,
    );
    expect(() => backend.updateDrive({ drive_id: 'data', path_on_host: '/other' })).toThrow(
      /not supported/,
    );
  });
});

function track(machine: Riscv64Machine): Riscv64Machine {
  machines.push(machine);
  return machine;
}

class MemoryFileStore implements FileStore {
  private readonly files = new Map<string, Uint8Array>();
  put(path: string, bytes: Uint8Array): void {
    this.files.set(path, new Uint8Array(bytes));
  }
  async read(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) throw new FileStoreError(`no file ${path}`);
    return bytes;
  }
  async write(path: string, bytes: Uint8Array): Promise<void> {
    this.put(path, bytes);
  }
  async openBlock(path: string, readOnly: boolean) {
    return new MemoryBlockBackend(await this.read(path), { readOnly });
  }
}
