/**
 * The MMDS from inside a booted riscv64 guest (issue 9): the API configures MMDS on eth0, and the
 * guest reaches 169.254.169.254 over its virtio-net interface with busybox wget and nc, with no
 * host networking at all (the interface has no backend). V1 and V2 (session tokens) flows, and a
 * PATCH /mmds after boot that the guest sees at once.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk/backend';
import { GuestShell } from '../../core/console/test-support/guest-shell';
import { VmmController } from '../../core/api/controller';
import { RISCV64_LIMITS } from '../../core/api/types';
import type { VmmAction } from '../../core/api/actions';
import { MmdsStore } from '../../core/mmds/store';
import { createNodeMachine } from './node-machine';
import type { Riscv64Machine } from '../common/riscv64/riscv64-machine';
import { Riscv64VmmBackend } from '../common/riscv64/vmm-backend';
import { FileStoreError, type FileStore } from '../common/riscv64/file-store';

const IMAGES = 'public/images/riscv64';
const haveImages = existsSync(`${IMAGES}/Image.gz`) && existsSync(`${IMAGES}/initramfs.cpio.gz`);
if (!haveImages)
  console.log(`MMDS guest tests skipped: no bundled image at ${IMAGES} (run npm run images)`);

const MARKER = 'kindling: boot complete';
const PROMPT = /kindling:.*# $/m;
const METADATA = {
  latest: { 'meta-data': { 'ami-id': 'ami-12345678', 'instance-id': 'i-kindling' } },
};

const machines: Riscv64Machine[] = [];
afterEach(() => {
  for (const m of machines.splice(0)) m.stop({ kind: 'killed', message: 'test over' });
});

async function bootWithMmds(version: 'V1' | 'V2') {
  const files = new MemoryFileStore();
  files.put('/Image.gz', readFileSync(`${IMAGES}/Image.gz`));
  files.put('/initrd', readFileSync(`${IMAGES}/initramfs.cpio.gz`));
  // One store shared by the API controller and the machine, as an embedder wires them.
  const mmds = new MmdsStore();
  const backend = new Riscv64VmmBackend({
    files,
    mmds,
    createMachine: (spec) => {
      const machine = createNodeMachine(spec);
      machines.push(machine);
      return machine;
    },
  });
  const controller = new VmmController({ backend, limits: RISCV64_LIMITS, mmds });
  const api = async (action: VmmAction) => {
    const response = await controller.handle(action);
    expect(response, action.type).not.toHaveProperty('fault_message');
  };
  await api({
    type: 'ConfigureBootSource',
    config: {
      kernel_image_path: '/Image.gz',
      initrd_path: '/initrd',
      boot_args: 'console=ttyS0 panic=1',
    },
  });
  await api({ type: 'PutMachineConfig', config: { vcpu_count: 1, mem_size_mib: 128 } });
  await api({
    type: 'InsertNetworkInterface',
    config: { iface_id: 'eth0', host_dev_name: 'none', guest_mac: '06:00:a9:fe:00:02' },
  });
  await api({ type: 'SetMmdsConfig', config: { version, network_interfaces: ['eth0'] } });
  await api({ type: 'PutMmds', data: METADATA });
  await api({ type: 'InstanceStart' });
  const machine = backend.machine!;
  const shell = new GuestShell(machine.console);
  await shell.waitFor(MARKER, 90_000);
  await shell.waitFor(PROMPT, 20_000);
  await shell.run('ip link set eth0 up; ip addr add 169.254.0.2/16 dev eth0');
  // Short command lines: the terminal wraps long ones, which GuestShell cannot unpick.
  await shell.run('M=http://169.254.169.254/latest/meta-data; J="Accept: application/json"');
  return { api, shell, machine };
}

describe.skipIf(!haveImages)('MMDS reached from a riscv64 guest', () => {
  it('V1: wget reads values, IMDS listings and JSON; a PATCH after boot is seen at once', async () => {
    const { api, shell, machine } = await bootWithMmds('V1');
    expect(await shell.run(`wget -qO- $M/ami-id; echo`)).toBe('ami-12345678');
    expect(await shell.run(`wget -qO- $M/; echo`)).toBe('ami-id\ninstance-id');
    expect(await shell.run(`wget -qO- --header "$J" $M; echo`)).toBe(
      JSON.stringify(METADATA.latest['meta-data']),
    );
    expect(await shell.run(`wget -qO- $M/missing 2>&1; echo`)).toMatch(/HTTP\/1\.1 404 Not Found/);

    await api({ type: 'PatchMmds', patch: { latest: { 'meta-data': { 'ami-id': 'ami-new' } } } });
    expect(await shell.run(`wget -qO- $M/ami-id; echo`)).toBe('ami-new');

    const started = performance.now();
    await shell.run('for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- $M/ami-id >/dev/null; done');
    console.log(
      `10 sequential wget GETs in the guest: ${(performance.now() - started).toFixed(0)} ms`,
    );

    const stack = machine.mmds!.stacks.get('eth0')!;
    console.log(`MMDS stack counters after the V1 run: ${JSON.stringify(stack.metrics)}`);
    expect(stack.metrics.arp_replies).toBeGreaterThanOrEqual(1);
    expect(stack.metrics.http_requests).toBe(15);
    expect(stack.metrics.internal_errors).toBe(0);
    expect(stack.connectionCount).toBeLessThanOrEqual(1);
  });

  it('V2: GET without a token is refused; a token from PUT (nc) opens GET', async () => {
    const { shell } = await bootWithMmds('V2');
    expect(await shell.run(`wget -qO- $M/ami-id 2>&1; echo`)).toMatch(
      /HTTP\/1\.1 401 Unauthorized/,
    );
    const put =
      "printf 'PUT /latest/api/token HTTP/1.1\\r\\nX-metadata-token-ttl-seconds: 60\\r\\n" +
      "Connection: close\\r\\n\\r\\n' | nc 169.254.169.254 80";
    await shell.run(`TOKEN=$(${put} | tail -n 1)`);
    expect((await shell.run('echo "$TOKEN"')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(await shell.run(`wget -qO- --header "X-metadata-token: $TOKEN" $M/ami-id; echo`)).toBe(
      'ami-12345678',
    );
    expect(await shell.run(`wget -qO- --header "X-metadata-token: x" $M/ami-id 2>&1`)).toMatch(
      /401/,
    );
  });
});

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
