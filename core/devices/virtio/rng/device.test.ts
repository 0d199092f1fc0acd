import { describe, it, expect } from 'vitest';
import { GuardedMemory, RecordingLine } from '../../../test-support/test-memory';
import { VirtioTestDriver } from '../../../test-support/virtio-driver';
import { VirtioMmioTransport } from '../../../virtio/mmio-transport';
import { RngDevice, type RandomSource } from './device';
import { restoreRng, saveRng } from './persist';
import { RateLimiter } from '../../../rate-limiter/rate-limiter';
import { ManualClock } from '../../../time/manual-clock';

const BASE = 0x8000_0000;

function setup(source?: RandomSource, options: ConstructorParameters<typeof RngDevice>[1] = {}) {
  const memory = new GuardedMemory([{ start: BASE, size: 0x80000 }]);
  const device = new RngDevice(source, options);
  const transport = new VirtioMmioTransport(device, memory, new RecordingLine());
  const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + 0x80000 });
  driver.init(1);
  return { memory, device, transport, driver };
}

describe('virtio-rng', () => {
  it('fills writable buffers with bytes from the source, in 64 KiB chunks', () => {
    const calls: number[] = [];
    let counter = 0;
    const { driver, device, memory } = setup((buf) => {
      calls.push(buf.length);
      for (let i = 0; i < buf.length; i++) buf[i] = counter++ & 0xff;
    });
    const s = driver.submit(0, [{ writable: 100_000 }, { writable: 50_000 }]);
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: s.head, len: 150_000 }]);
    expect(calls).toEqual([65536, 65536, 18928]);
    const first = driver.readBuffer(s.buffers[0]!);
    expect(first[0]).toBe(0);
    expect(first[99_999]).toBe(99_999 & 0xff);
    expect(driver.readBuffer(s.buffers[1]!)[0]).toBe(100_000 & 0xff);
    expect(device.metrics.entropy_bytes).toBe(150_000);
    expect(memory.canariesIntact()).toBe(true);
  });

  it('uses Web Crypto by default (bytes are not all zero)', () => {
    const { driver } = setup();
    const s = driver.submit(0, [{ writable: 64 }]);
    driver.notify(0);
    driver.collectUsed(0);
    expect(driver.readBuffer(s.buffers[0]!).some((b) => b !== 0)).toBe(true);
  });

  it('reports a failing source as host_rng_fails and a short length, without throwing', () => {
    const { driver, device } = setup(() => {
      throw new Error('no entropy');
    });
    const s = driver.submit(0, [{ writable: 16 }]);
    driver.notify(0);
    expect(driver.collectUsed(0)).toEqual([{ id: s.head, len: 0 }]);
    expect(device.metrics.host_rng_fails).toBe(1);
  });

  it('limits entropy bandwidth with a rate limiter', () => {
    const clock = new ManualClock();
    const rateLimiter = new RateLimiter({ bandwidth: { size: 100, refill_time: 100 } }, clock);
    const { driver, device } = setup(undefined, { rateLimiter, scheduler: clock });
    for (let i = 0; i < 3; i++) driver.submit(0, [{ writable: 60 }]);
    driver.notify(0);
    expect(driver.collectUsed(0).map((u) => u.len)).toEqual([60]);
    expect(device.metrics.entropy_rate_limiter_throttled).toBe(1);
    clock.advance(1000);
    expect(driver.collectUsed(0).map((u) => u.len)).toEqual([60, 60]);
  });

  it('restores a snapshot bit-identically', () => {
    const a = setup();
    a.driver.submit(0, [{ writable: 8 }]);
    a.driver.notify(0);
    const saved = JSON.parse(JSON.stringify(saveRng(a.transport)));
    const t = new VirtioMmioTransport(new RngDevice(), a.memory, new RecordingLine());
    restoreRng(t, saved);
    expect(saveRng(t)).toEqual(saved);
  });
});
