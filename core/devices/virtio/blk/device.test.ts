import { describe, it, expect } from 'vitest';
import { GuardedMemory, RecordingLine } from '../../../test-support/test-memory';
import { type Segment, VirtioTestDriver } from '../../../test-support/virtio-driver';
import { VirtioMmioTransport } from '../../../virtio/mmio-transport';
import { Status } from '../../../virtio/constants';
import type { TokenLimiter } from '../../../virtio/scheduler';
import { type BlockBackend, MemoryBlockBackend } from './backend';
import { BlkFeature, BlockDevice, type BlockDeviceOptions } from './device';
import { BlkStatus, BlkType } from './request';
import { restoreBlock, saveBlock } from './persist';
import { RateLimiter } from '../../../rate-limiter/rate-limiter';
import { ManualClock } from '../../../time/manual-clock';

const BASE = 0x8000_0000;

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setUint32(8, sector >>> 0, true);
  v.setUint32(12, Math.floor(sector / 2 ** 32), true);
  return h;
}

function setup(backend: BlockBackend, options: BlockDeviceOptions = {}) {
  const memory = new GuardedMemory([{ start: BASE, size: 0x40000 }]);
  const line = new RecordingLine();
  const device = new BlockDevice(backend, options);
  const transport = new VirtioMmioTransport(device, memory, line);
  const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + 0x40000 });
  driver.init(1);
  /** Submit one request; returns a function reading (status, data) after completion. */
  const submit = (segments: Segment[], indirect = false) => {
    const s = driver.submit(0, [...segments, { writable: 1 }], { indirect });
    const statusBuf = s.buffers[s.buffers.length - 1]!;
    return {
      head: s.head,
      status: () => driver.readBuffer(statusBuf)[0],
      data: () => {
        const parts = s.buffers
          .slice(0, -1)
          .filter((b) => b.write)
          .map((b) => driver.readBuffer(b));
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.length;
        }
        return out;
      },
    };
  };
  return { memory, line, device, transport, driver, submit };
}

const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('virtio-blk', () => {
  it('reports capacity, seg_max and blk_size in config', () => {
    const { driver } = setup(new MemoryBlockBackend(1 << 20));
    const cfg = new DataView(driver.readConfig(0, 24).buffer);
    expect(cfg.getUint32(0, true)).toBe(2048);
    expect(cfg.getUint32(4, true)).toBe(0);
    expect(cfg.getUint32(12, true)).toBeGreaterThan(0);
    expect(cfg.getUint32(20, true)).toBe(512);
    expect(driver.hasFeature(BlkFeature.FLUSH)).toBe(true);
    expect(driver.hasFeature(BlkFeature.RO)).toBe(false);
  });

  it('writes then reads back multi-segment data, direct and indirect', () => {
    const backend = new MemoryBlockBackend(1 << 20);
    const { driver, submit, device, memory } = setup(backend);
    const a = pattern(512, 1);
    const b = pattern(1024, 2);
    const w = submit([{ data: header(BlkType.OUT, 10) }, { data: a }, { data: b }]);
    const w2 = submit([{ data: header(BlkType.OUT, 20) }, { data: pattern(512, 9) }], true);
    driver.notify(0);
    expect(driver.collectUsed(0).map((u) => u.len)).toEqual([1, 1]);
    expect([w.status(), w2.status()]).toEqual([BlkStatus.OK, BlkStatus.OK]);
    expect(backend.bytes.subarray(10 * 512, 10 * 512 + 512)).toEqual(a);
    expect(backend.bytes.subarray(11 * 512, 13 * 512)).toEqual(b);
    const r = submit(
      [{ data: header(BlkType.IN, 10) }, { writable: 1000 }, { writable: 536 }],
      true,
    );
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: r.head, len: 1537 }]);
    expect(r.status()).toBe(BlkStatus.OK);
    const expected = new Uint8Array(1536);
    expected.set(a);
    expected.set(b, 512);
    expect(r.data()).toEqual(expected);
    expect(device.metrics.write_count).toBe(2);
    expect(device.metrics.write_bytes).toBe(2048);
    expect(device.metrics.read_bytes).toBe(1536);
    expect(memory.canariesIntact()).toBe(true);
  });

  it('answers GET_ID with the drive serial', () => {
    const { driver, submit } = setup(new MemoryBlockBackend(4096), { id: 'disk-7' });
    const r = submit([{ data: header(BlkType.GET_ID, 0) }, { writable: 32 }]);
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: r.head, len: 21 }]);
    expect(r.status()).toBe(BlkStatus.OK);
    expect(new TextDecoder().decode(r.data()).replace(/\0+$/, '')).toBe('disk-7');
  });

  it('refuses writes on a read-only drive without touching data', () => {
    const backend = new MemoryBlockBackend(pattern(4096, 3), { readOnly: true });
    const { driver, submit } = setup(backend);
    expect(driver.hasFeature(BlkFeature.RO)).toBe(true);
    const w = submit([{ data: header(BlkType.OUT, 0) }, { data: new Uint8Array(512) }]);
    driver.notify(0);
    driver.collectUsed(0);
    expect(w.status()).toBe(BlkStatus.IOERR);
    expect(backend.bytes.subarray(0, 512)).toEqual(pattern(4096, 3).subarray(0, 512));
  });

  it('gives IOERR past the end or for partial sectors, UNSUPP for unknown types, len 0 without status', () => {
    const { driver, submit, device } = setup(new MemoryBlockBackend(4096));
    const past = submit([{ data: header(BlkType.IN, 7) }, { writable: 1024 }]);
    const huge = submit([{ data: header(BlkType.IN, 2 ** 60) }, { writable: 512 }]);
    const partial = submit([{ data: header(BlkType.OUT, 0) }, { data: new Uint8Array(100) }]);
    const unknown = submit([{ data: header(99, 0) }]);
    driver.submit(0, [{ data: header(BlkType.IN, 0) }]); // no writable byte at all
    driver.notify(0);
    const used = driver.collectUsed(0);
    expect(used.map((u) => u.len)).toEqual([1, 1, 1, 1, 0]);
    expect([past.status(), huge.status(), partial.status(), unknown.status()]).toEqual([
      BlkStatus.IOERR,
      BlkStatus.IOERR,
      BlkStatus.IOERR,
      BlkStatus.UNSUPP,
    ]);
    expect(device.metrics.invalid_reqs_count).toBe(5);
    expect(driver.status & Status.DEVICE_NEEDS_RESET).toBe(0);
  });

  it('completes a flush only after earlier async writes reached the backend, in order', async () => {
    const events: string[] = [];
    const inner = new MemoryBlockBackend(1 << 16);
    const backend: BlockBackend = {
      size: inner.size,
      readOnly: false,
      read: (o, d) => inner.read(o, d),
      write: async (o, s) => {
        await new Promise((r) => setTimeout(r, 5));
        inner.write(o, s);
        events.push(`write@${o}`);
      },
      flush: async () => {
        events.push('flush');
      },
    };
    const { driver, submit } = setup(backend);
    submit([{ data: header(BlkType.OUT, 0) }, { data: pattern(512, 1) }]);
    submit([{ data: header(BlkType.OUT, 1) }, { data: pattern(512, 2) }]);
    const f = submit([{ data: header(BlkType.FLUSH, 0) }]);
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([]);
    const done: number[] = [];
    while (done.length < 3) {
      await new Promise((r) => setTimeout(r, 2));
      done.push(...driver.collectUsed(0).map((u) => u.id));
    }
    expect(events).toEqual(['write@0', 'write@512', 'flush']);
    expect(done[2]).toBe(f.head);
    expect(f.status()).toBe(BlkStatus.OK);
  });

  it('stops when the rate limiter is empty and resumes when the scheduler calls back', () => {
    let tokens = 1;
    const limiter: TokenLimiter = {
      consume: (n, kind) => (kind === 'ops' ? tokens-- > 0 : n >= 0),
      manualReplenish: () => undefined,
      isBlocked: () => tokens <= 0,
      msUntilRefill: () => 50,
    };
    const timers: Array<[number, () => void]> = [];
    const { driver, submit, device } = setup(new MemoryBlockBackend(4096), {
      rateLimiter: limiter,
      scheduler: {
        schedule: (ms, cb) => {
          timers.push([ms, cb]);
          return () => {};
        },
      },
    });
    submit([{ data: header(BlkType.IN, 0) }, { writable: 512 }]);
    submit([{ data: header(BlkType.IN, 1) }, { writable: 512 }]);
    driver.notify(0);
    expect(driver.collectUsed(0).length).toBe(1);
    expect(device.metrics.rate_limiter_throttled_events).toBe(1);
    expect(timers.map(([ms]) => ms)).toEqual([50]);
    tokens = 5;
    timers[0]![1]();
    expect(driver.collectUsed(0).length).toBe(1);
  });

  it('works with the real RateLimiter and a manual clock', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ ops: { size: 2, refill_time: 1000 } }, clock);
    const { driver, submit, device } = setup(new MemoryBlockBackend(8192), {
      rateLimiter: limiter,
      scheduler: clock,
    });
    for (let i = 0; i < 6; i++) submit([{ data: header(BlkType.IN, i) }, { writable: 512 }]);
    driver.notify(0);
    expect(driver.collectUsed(0).length).toBe(2);
    driver.notify(0); // a notification while throttled does not bypass the limiter
    expect(driver.collectUsed(0).length).toBe(0);
    clock.advance(1000);
    expect(driver.collectUsed(0).length).toBe(2);
    clock.advance(1000);
    expect(driver.collectUsed(0).length).toBe(2);
    expect(device.metrics.rate_limiter_throttled_events).toBeGreaterThanOrEqual(2);
  });

  it('restores a snapshot bit-identically and keeps serving requests', () => {
    const backend = new MemoryBlockBackend(1 << 16);
    const a = setup(backend, { id: 'snap' });
    a.submit([{ data: header(BlkType.OUT, 3) }, { data: pattern(512, 5) }]);
    a.driver.notify(0);
    a.driver.collectUsed(0);
    const saved = JSON.parse(JSON.stringify(saveBlock(a.device, a.transport)));
    const device = new BlockDevice(backend, { id: 'snap' });
    const transport = new VirtioMmioTransport(device, a.memory, new RecordingLine());
    restoreBlock(device, transport, saved);
    expect(saveBlock(device, transport)).toEqual(saved);
    // The old driver state continues against the restored transport.
    const driver = a.driver as unknown as { transport: unknown };
    Object.assign(driver, { transport });
    const r = a.submit([{ data: header(BlkType.IN, 3) }, { writable: 512 }]);
    a.driver.notify(0);
    expect(a.driver.collectUsed(0)).toEqual([{ id: r.head, len: 513 }]);
    expect(r.data()).toEqual(pattern(512, 5));
    expect(() =>
      restoreBlock(new BlockDevice(new MemoryBlockBackend(512)), transport, saved),
    ).toThrow(/sectors/);
  });
});
