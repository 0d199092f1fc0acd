/**
 * Virtqueue round trips per second: virtio-blk 4 KiB reads and writes through the test driver
 * (a guest driver played in TypeScript) against the in-memory backend, in Node. Each round
 * submits a batch of requests, notifies once and collects the used entries, as a guest with a
 * queue depth of BATCH would. `npx tsx bench/core/virtqueue.ts [--runs N] [--json out.json]`.
 */
import { writeFileSync } from 'node:fs';
import { parseBenchArgs } from '../lib/args';
import type { BenchOutput, BenchResult } from '../lib/schema';
import { fmt, summarize } from '../lib/stats';
import { MemoryBlockBackend } from '../../core/devices/virtio/blk/backend';
import { BlockDevice } from '../../core/devices/virtio/blk/device';
import { BlkType } from '../../core/devices/virtio/blk/request';
import { GuestMemory } from '../../core/memory/guest-memory';
import { toGuestAddress } from '../../core/memory/guest-address';
import { VirtioMmioTransport } from '../../core/virtio/mmio-transport';
import { VirtioTestDriver, type Segment } from '../../core/test-support/virtio-driver';

const BASE = 0x8000_0000;
const RAM = 8 << 20;
const BATCH = 64;
const REQUESTS = 40_000;
const BLOCK = 4096;

function measure(type: number): number {
  const memory = new GuestMemory([
    { start: toGuestAddress(BASE), bytes: new Uint8Array(new SharedArrayBuffer(RAM)) },
  ]);
  const device = new BlockDevice(new MemoryBlockBackend(64 << 20));
  const transport = new VirtioMmioTransport(device, memory, { setLevel: () => undefined });
  const driver = new VirtioTestDriver(transport, memory, { start: BASE, end: BASE + RAM });
  driver.init(1);
  // Pre-place one header/data/status triple per in-flight slot, as a guest's driver would.
  const slots = Array.from({ length: BATCH }, (_, i): Segment[] => {
    const header = driver.alloc(16);
    const data = driver.alloc(BLOCK, BLOCK);
    const status = driver.alloc(1);
    const h = new Uint8Array(16);
    new DataView(h.buffer).setUint32(0, type, true);
    new DataView(h.buffer).setUint32(8, i * (BLOCK / 512), true);
    memory.write(header, h);
    return [
      { addr: header, len: 16, write: false },
      { addr: data, len: BLOCK, write: type === BlkType.IN },
      { addr: status, len: 1, write: true },
    ];
  });
  const start = performance.now();
  let done = 0;
  while (done < REQUESTS) {
    for (const s of slots) driver.submit(0, s);
    driver.notify(0);
    const used = driver.collectUsed(0);
    if (used.length !== BATCH) throw new Error(`expected ${BATCH} completions, got ${used.length}`);
    driver.ackInterrupts();
    done += used.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return done / seconds;
}

const { json, runs } = parseBenchArgs();
const cases: Array<[string, number]> = [
  ['blk-4k-read', BlkType.IN],
  ['blk-4k-write', BlkType.OUT],
];
measure(BlkType.IN); // warm up the JIT
const results: BenchResult[] = cases.map(([name, type]) => {
  const ours = Array.from({ length: Math.max(5, runs) }, () => measure(type));
  const s = summarize(ours);
  console.log(`${name}: min ${fmt(s.min)} / median ${fmt(s.median)} / max ${fmt(s.max)} req/s`);
  return {
    name,
    metric: 'requests/s',
    unit: 'req/s',
    higherIsBetter: true,
    ours,
    note: `${REQUESTS} requests per run, ${BATCH} in flight per notify, in-memory backend, Node ${process.version}`,
  };
});
const output: BenchOutput = { benchmark: 'core', results };
if (json) writeFileSync(json, JSON.stringify(output, null, 2));
