/**
 * How the vCPU worker is started. From compiled JS the entry is `vcpu-worker.js` next to this file.
 * From TypeScript source (tsx, vitest) a worker cannot load `.ts` by itself: we bundle
 * `vcpu-worker.ts` once per process with esbuild (present whenever tsx is, which runs the sources)
 * into node_modules/.cache, where `koffi` still resolves. Starting a bundled worker is several times
 * faster than registering tsx's loader in every worker (measured ≈ 1 s vs ≈ 7 s on the loaded
 * 2-core machine); if esbuild cannot be loaded, `ts-worker-bootstrap.mjs` does the latter.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

interface EsbuildLike {
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[] };
}

let bundledEntry: string | undefined;

function bundleWorker(entryUrl: URL): string | undefined {
  if (bundledEntry) return bundledEntry;
  try {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild') as EsbuildLike;
    const result = esbuild.buildSync({
      entryPoints: [fileURLToPath(entryUrl)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['koffi'],
      write: false,
      logLevel: 'silent',
    });
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined) return undefined;
    // node_modules/koffi/<entry> → node_modules/.cache/kindling (koffi's exports hide package.json).
    const nodeModules = dirname(dirname(require.resolve('koffi')));
    const cacheDir = join(nodeModules, '.cache', 'kindling');
    mkdirSync(cacheDir, { recursive: true });
    const target = join(cacheDir, 'vcpu-worker.mjs');
    // Write-then-rename: parallel test processes may bundle at the same time.
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
    bundledEntry = target;
    return target;
  } catch {
    return undefined;
  }
}

export function spawnVcpuWorker(workerData: object): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const entryUrl = new URL(isTs ? './vcpu-worker.ts' : './vcpu-worker.js', import.meta.url);
  if (!isTs) return new Worker(entryUrl, { workerData });
  const bundled = bundleWorker(entryUrl);
  if (bundled) return new Worker(bundled, { workerData });
  const bootstrap = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
  return new Worker(bootstrap, { workerData: { ...workerData, entryUrl: entryUrl.href } });
}
