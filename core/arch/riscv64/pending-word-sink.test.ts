import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { MIP_MEIP, MIP_SEIP, MIP_SSIP, PendingWordSink } from './pending-word-sink';
import { Plic } from './plic';

describe('PendingWordSink', () => {
  it('maps PLIC M/S outputs to MEIP/SEIP bits of each hart, leaving other bits alone', () => {
    const words = new Int32Array(new SharedArrayBuffer(64));
    const sink = new PendingWordSink(words, (hart) => 4 + hart * 2);
    words[6] = MIP_SSIP;
    sink.setExternalInterrupt(1, 'S', true);
    sink.setExternalInterrupt(1, 'M', true);
    expect(words[6]).toBe(MIP_SSIP | MIP_SEIP | MIP_MEIP);
    sink.setExternalInterrupt(1, 'S', false);
    expect(words[6]).toBe(MIP_SSIP | MIP_MEIP);
    expect(words[4]).toBe(0);
  });

  it('wakes a hart waiting on its word in another thread when the PLIC raises SEIP', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const plic = new Plic({ harts: 1, sink: new PendingWordSink(words, () => 1) });
    const waiter = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const w = new Int32Array(workerData);
       Atomics.store(w, 0, 1);
       const r = Atomics.wait(w, 1, 0, 5000);
       parentPort.postMessage({ r, pending: Atomics.load(w, 1) });`,
      { eval: true, workerData: words.buffer },
    );
    try {
      while (Atomics.load(words, 0) === 0) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 20)); // let the worker reach Atomics.wait
      const result = new Promise<{ r: string; pending: number }>((resolve) =>
        waiter.once('message', resolve),
      );
      const data = new Uint8Array(4);
      data[0] = 1;
      plic.write(4 * 5, data); // priority of source 5
      plic.write(0x2000 + 0x80, Uint8Array.of(1 << 5, 0, 0, 0)); // enable in hart 0 S context
      plic.line(5).setLevel(true);
      const { r, pending } = await result;
      // 'ok' = woken by notify; 'not-equal' = the bit was set before the wait began (slow
      // machine). Only a missing notify makes it time out.
      expect(r).not.toBe('timed-out');
      expect(pending).toBe(MIP_SEIP);
    } finally {
      await waiter.terminate();
    }
  });
});
