/**
 * Start a worker_threads Worker on a TypeScript file, in tests and Node tools that run under tsx or
 * Vitest. A TypeScript entry cannot be handed to `new Worker` directly, so the entry is bundled once
 * per process with esbuild (tsx's own dependency, so present whenever the sources run) and every
 * worker starts from that plain JavaScript file. That is what keeps an extra vCPU cheap: a worker
 * that registered tsx's loader itself transpiled and held the whole module graph again (≈ 12 MiB
 * more per thread and seconds of start-up on a loaded machine). If esbuild cannot be loaded we fall
 * back to registering tsx inside the thread. A `.js` entry (compiled build) starts directly.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

interface EsbuildLike {
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[] };
}

/** Bundled entry per source file, for this process. */
const bundles = new Map<string, string | undefined>();

/** Bundles `file` with esbuild into node_modules/.cache/kindling; undefined if esbuild is absent. */
export function bundleWorkerEntry(file: URL, external: readonly string[] = []): string | undefined {
  const key = `${file.href}|${external.join(',')}`;
  if (bundles.has(key)) return bundles.get(key);
  let target: string | undefined;
  try {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild') as EsbuildLike;
    const source = fileURLToPath(file);
    const result = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: [...external],
      write: false,
      logLevel: 'silent',
    });
    const text = result.outputFiles?.[0]?.text;
    if (text !== undefined) {
      // Inside node_modules so that bare `external` imports (e.g. koffi) still resolve.
      const nodeModules = dirname(dirname(dirname(require.resolve('esbuild'))));
      const cacheDir = join(nodeModules, '.cache', 'kindling');
      mkdirSync(cacheDir, { recursive: true });
      const name = source.replace(/[^A-Za-z0-9]+/g, '_').slice(-80);
      target = join(cacheDir, `${name}.mjs`);
      // Write-then-rename: parallel test processes may bundle the same entry at the same time.
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, target);
    }
  } catch {
    target = undefined;
  }
  bundles.set(key, target);
  return target;
}

export function startTsWorker(file: URL, workerData: unknown, options: WorkerOptions = {}): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { ...options, workerData });
  const bundled = bundleWorkerEntry(file);
  if (bundled) return new Worker(bundled, { ...options, workerData });
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import('tsx/esm/api')
      .then((tsx) => { tsx.register(); return import(workerData.__entry); })
      .catch((error) => { console.error(error); process.exit(1); });
  `;
  return new Worker(bootstrap, {
    ...options,
    eval: true,
    workerData: { ...(workerData as object), __entry: file.href },
  });
}
