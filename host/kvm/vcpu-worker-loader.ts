/**
 * How the vCPU worker is started. From compiled JS the entry is `vcpu-worker.js` next to this file.
 * From TypeScript source (tsx, vitest) it is bundled once per process with esbuild, the same way as
 * every Node worker of ours (`workers/node/ts-worker.ts`), with koffi left external (a native
 * module; the bundle lives under node_modules/.cache, where `koffi` still resolves). If esbuild
 * cannot be loaded, `ts-worker-bootstrap.mjs` registers tsx inside the worker instead (≈ 7 s vs
 * ≈ 1 s to start on the loaded 2-core machine).
 */
import { Worker } from 'node:worker_threads';
import { bundleWorkerEntry } from '../../workers/node/ts-worker';

export function spawnVcpuWorker(workerData: object): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const entryUrl = new URL(isTs ? './vcpu-worker.ts' : './vcpu-worker.js', import.meta.url);
  if (!isTs) return new Worker(entryUrl, { workerData });
  const bundled = bundleWorkerEntry(entryUrl, ['koffi']);
  if (bundled) return new Worker(bundled, { workerData });
  const bootstrap = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
  return new Worker(bootstrap, { workerData: { ...workerData, entryUrl: entryUrl.href } });
}
