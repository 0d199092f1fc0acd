/**
 * Proves the machinery the VM relies on works in this browser: a SharedArrayBuffer shared with a
 * worker, written there with Atomics.store + Atomics.notify, observed here with Atomics.waitAsync.
 */

export interface ProbeResult {
  ok: boolean;
  /** The value the worker stored, read by the page. */
  value: number;
  /** Round trip in milliseconds, page → worker → page. */
  roundTripMs: number;
  detail: string;
}

export const PROBE_MAGIC = 0x4b696e64; // "Kind"

export async function probeSharedMemory(timeoutMs = 5000): Promise<ProbeResult> {
  if (typeof SharedArrayBuffer === 'undefined') {
    return { ok: false, value: 0, roundTripMs: 0, detail: 'SharedArrayBuffer is not defined' };
  }
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    new URL('../../workers/browser/shared-memory-probe.worker.ts', import.meta.url),
    {
      type: 'module',
      name: 'shared-memory-probe',
    },
  );
  const start = performance.now();
  try {
    worker.postMessage({ cell, magic: PROBE_MAGIC });
    const waited = Atomics.waitAsync(cell, 0, 0, timeoutMs);
    const outcome = waited.async ? await waited.value : waited.value;
    const value = Atomics.load(cell, 0);
    const roundTripMs = performance.now() - start;
    const ok = value === PROBE_MAGIC;
    return {
      ok,
      value,
      roundTripMs,
      detail: ok
        ? `worker wrote 0x${value.toString(16)} (${outcome})`
        : `no write from the worker (${outcome})`,
    };
  } finally {
    worker.terminate();
  }
}
