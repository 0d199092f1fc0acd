/**
 * Kindling's browser machine in headless Chromium for bench/boot: builds `dist/` when it is missing
 * or older than its sources, serves it with `vite preview` (which sends the cross-origin isolation
 * headers SharedArrayBuffer needs) on a free port, and times InstanceStart → marker through
 * `window.kindling.bootToMarker` (e2e/support/chromium-boot-bench.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromiumBootToMarker } from '../../e2e/support/chromium-boot-bench';
import { chromiumAvailable, CHROMIUM_PATH } from '../../e2e/support/chromium';
import type { BenchSkip } from '../lib/schema';

/** What `npm run build` turns into dist/ (the WASM CPU is built from cpu/). */
const BUILD_INPUTS = ['web', 'workers', 'core', 'cpu', 'public', 'vite.config.ts'];
const BUILD_OUTPUT = 'dist/index.html';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIsStale(): boolean {
  if (!existsSync(BUILD_OUTPUT)) return true;
  const built = statSync(BUILD_OUTPUT).mtimeMs;
  return BUILD_INPUTS.some((input) => existsSync(input) && newestMtime(input) > built);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms`);
}

export interface ChromiumBootFigures {
  /** Times (ms) per hart count, in the order asked for (interpreter). */
  byHarts: Map<number, number[]>;
  /** The same with the JIT in mixed mode. */
  jitByHarts: Map<number, number[]>;
}

/** Boots each hart count `runs` times; undefined (with a skip entry) when Chromium or the build is missing. */
export async function kindlingChromiumBoot(
  hartCounts: number[],
  runs: number,
  memMib: number,
  skipped: BenchSkip[],
  /** Also boot these hart counts with the JIT in mixed mode (after the interpreter boots). */
  jitHartCounts: number[] = [],
): Promise<ChromiumBootFigures | undefined> {
  if (!chromiumAvailable()) {
    skipped.push({ name: 'Kindling (Chromium)', reason: `no Chromium at ${CHROMIUM_PATH}` });
    return undefined;
  }
  if (buildIsStale()) {
    console.log('dist/ is missing or older than its sources: npm run build');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) {
      skipped.push({
        name: 'Kindling (Chromium)',
        reason: `npm run build failed (${build.status})`,
      });
      return undefined;
    }
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'].concat([
      '--host',
      '127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  try {
    await waitForServer(url, server, 30_000);
    const byHarts = new Map<number, number[]>();
    for (const vcpus of hartCounts) {
      const jit = { mode: 'off' as const }; // the interpreter rows: the machine's default is mixed
      const times = await chromiumBootToMarker({ url, vcpus, memMib, runs, jit });
      if (!times) return undefined;
      byHarts.set(vcpus, times);
    }
    const jitByHarts = new Map<number, number[]>();
    for (const vcpus of jitHartCounts) {
      const jit = { mode: 'mixed' as const };
      const times = await chromiumBootToMarker({ url, vcpus, memMib, runs, jit });
      if (!times) return undefined;
      jitByHarts.set(vcpus, times);
    }
    return { byHarts, jitByHarts };
  } finally {
    server.kill('SIGTERM');
  }
}
