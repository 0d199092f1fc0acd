import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/time/manual-clock';
import { BrowserVmm } from './browser-vmm';
import type { VmmEvent } from './vmm-api';
import type { MachineSpec } from '../common/riscv64/machine-spec';

/** A VMM whose machines can never be built: these tests stay before InstanceStart succeeds. */
function preBootVmm(): BrowserVmm {
  return new BrowserVmm({
    cpuModule: Promise.resolve(
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    ),
    createMachine: () => {
      throw new Error('these tests never reach a machine');
    },
    scheduler: new ManualClock(),
    nowMs: () => 0,
  });
}

describe('BrowserVmm before boot', () => {
  it('hands the configured JIT setting to the next machine and refuses bad settings', async () => {
    const specs: MachineSpec[] = [];
    const vmm = new BrowserVmm({
      cpuModule: Promise.resolve(
        new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
      ),
      createMachine: (spec) => {
        specs.push(spec);
        throw new Error('no machine in this test');
      },
      scheduler: new ManualClock(),
      nowMs: () => 0,
    });
    await expect(vmm.configureJit({ mode: 'fast' as 'off' })).rejects.toThrow('JIT mode');
    await expect(vmm.configureJit({ mode: 'mixed', threshold: 0 })).rejects.toThrow('threshold');
    await vmm.putFile('k', new Uint8Array(64));
    await vmm.request('PUT', '/boot-source', '{"kernel_image_path":"k"}');
    await vmm.request('PUT', '/actions', '{"action_type":"InstanceStart"}');
    await vmm.configureJit({ mode: 'mixed', threshold: 8 });
    await vmm.request('PUT', '/actions', '{"action_type":"InstanceStart"}');
    expect(specs.map((s) => s.jit)).toEqual([undefined, { mode: 'mixed', threshold: 8 }]);
  });

  it('answers 500 with the reason when the CPU module cannot be loaded', async () => {
    const vmm = new BrowserVmm({
      cpuModule: Promise.reject(new Error('HTTP 404 for rv64.wasm')),
      createMachine: () => {
        throw new Error('unreachable');
      },
      scheduler: new ManualClock(),
      nowMs: () => 0,
    });
    const answer = await vmm.request('GET', '/');
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      fault_message: 'the CPU module did not load: HTTP 404 for rv64.wasm',
    });
  });

  it('answers the Firecracker API like the HTTP transport: parse faults, config, state', async () => {
    const vmm = preBootVmm();
    expect((await vmm.request('GET', '/no-such-resource')).status).toBe(404);
    expect((await vmm.request('DELETE', '/machine-config')).status).toBe(405);
    const bad = await vmm.request(
      'PUT',
      '/machine-config',
      '{"vcpu_count": 0, "mem_size_mib": 64}',
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toHaveProperty('fault_message');

    expect(
      (await vmm.request('PUT', '/machine-config', '{"vcpu_count":2,"mem_size_mib":64}')).status,
    ).toBe(204);
    const info = await vmm.request('GET', '/');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id: 'kindling-browser', state: 'Not started' });
    const config = await vmm.request('GET', '/vm/config');
    expect(config.body).toMatchObject({ 'machine-config': { vcpu_count: 2, mem_size_mib: 64 } });
  });

  it('InstanceStart names the missing kernel file and leaves the VM unstarted', async () => {
    const vmm = preBootVmm();
    await vmm.request('PUT', '/boot-source', '{"kernel_image_path":"riscv64/Image"}');
    const start = await vmm.request('PUT', '/actions', '{"action_type":"InstanceStart"}');
    expect(start.status).toBe(400);
    expect(JSON.stringify(start.body)).toContain('riscv64/Image');
    expect(await vmm.metrics()).toBeUndefined();
    await expect(vmm.readHartState(0)).rejects.toThrow('not running');
    await expect(vmm.deviceTree()).rejects.toThrow('not running');
  });

  it('stores, lists, copies out and deletes files', async () => {
    const vmm = preBootVmm();
    const bytes = new Uint8Array(new ArrayBuffer(16), 4, 8).fill(7);
    await vmm.putFile('a/b', bytes);
    expect(await vmm.listFiles()).toEqual([{ path: 'a/b', size: 8 }]);
    const out = await vmm.readFile('a/b');
    expect(out.buffer.byteLength).toBe(8); // exactly the file, not the buffer behind the view
    expect([...out]).toEqual(new Array(8).fill(7));
    expect(await vmm.deleteFile('a/b')).toBe(true);
    await expect(vmm.readFile('a/b')).rejects.toThrow('no such file');
  });

  it('delivers the current state to a new listener and drops listeners that throw', async () => {
    const vmm = preBootVmm();
    const seen: VmmEvent[] = [];
    await vmm.onEvent((e) => seen.push(e));
    await vmm.onEvent(() => {
      throw new Error('page went away');
    });
    expect(seen).toEqual([{ kind: 'state', state: 'Not started' }]);
    expect(await vmm.attachConsole(() => undefined)).toEqual(new Uint8Array(0));
  });
});
