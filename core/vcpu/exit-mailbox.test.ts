import { describe, it, expect } from 'vitest';
import { startTsWorker } from '../../workers/node/ts-worker';
import { ExitKind, ExitMailboxServer, ExitStatus, createExitMailboxBuffer } from './exit-mailbox';

function startClient(buffer: SharedArrayBuffer, slot: number, count: number) {
  const worker = startTsWorker(
    new URL('../../test-support/mailbox-client.worker.ts', import.meta.url),
    {
      buffer,
      slot,
      count,
    },
  );
  return new Promise<{ mismatches: number; unmapped: number; wild: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

describe('exit mailbox', () => {
  it('carries every access of several vCPU threads to the VMM and back, in order', async () => {
    const slots = 3;
    const buffer = createExitMailboxBuffer(slots);
    const server = new ExitMailboxServer(buffer, slots);
    // A register file per slot: what a vCPU writes it must read back.
    const registers = new Map<number, Uint8Array>();
    const seen: [number, number][] = [];
    const serving = server.serve((slot, kind, address, data) => {
      if (address >= 0x1_0000_0000) return ExitStatus.Unmapped;
      seen.push([slot, kind]);
      if (kind === ExitKind.Write) registers.set(address, data.slice());
      else data.set(registers.get(address) ?? new Uint8Array(data.length));
      return ExitStatus.Ok;
    });
    const count = 2000;
    const results = await Promise.all([0, 1, 2].map((slot) => startClient(buffer, slot, count)));
    server.stop();
    await serving;
    for (const r of results)
      expect(r).toEqual({ mismatches: 0, unmapped: 0, wild: ExitStatus.Unmapped });
    expect(server.answered).toEqual([2 * count + 1, 2 * count + 1, 2 * count + 1]);
    // Within a slot, each read follows its write.
    for (const slot of [0, 1, 2]) {
      const kinds = seen.filter(([s]) => s === slot).map(([, k]) => k);
      expect(kinds.slice(0, 4)).toEqual([
        ExitKind.Write,
        ExitKind.Read,
        ExitKind.Write,
        ExitKind.Read,
      ]);
    }
  });

  it('reports a throwing device as an unmapped access instead of wedging the vCPU', async () => {
    const buffer = createExitMailboxBuffer(1);
    const server = new ExitMailboxServer(buffer, 1);
    const serving = server.serve(() => {
      throw new Error('device bug');
    });
    const result = await startClient(buffer, 0, 1);
    server.stop();
    await serving;
    expect(result.unmapped).toBe(2);
  });
});
