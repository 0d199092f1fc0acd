// Builds cpu/build/rv64.wasm from cpu/assembly/ (and the shared layout) with AssemblyScript.
// Skips the build when the output is newer than every source. Usage: tsx cpu/build-wasm.ts [--force]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_MAX_PAGES, WASM_MIN_PAGES } from './layout/wasm-memory';

const cpuDir = dirname(fileURLToPath(import.meta.url));
const output = join(cpuDir, 'build', 'rv64.wasm');
const sourceDirs = [join(cpuDir, 'assembly'), join(cpuDir, 'layout')];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/** Whether rv64.wasm is missing or older than any AssemblyScript/layout source. */
export function wasmIsStale(): boolean {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sourceDirs.some((dir) => newestSource(dir) > built);
}

/** Compile the CPU module (optimised for speed) unless it is fresh. Returns the output path. */
export function buildWasm(force = false): string {
  if (!force && !wasmIsStale()) return output;
  mkdirSync(dirname(output), { recursive: true });
  withBuildLock(() => {
    if (force || wasmIsStale()) compile();
  });
  return output;
}

/** Parallel test workers share one build: the first takes the lock, the others wait for it. */
function withBuildLock(work: () => void): void {
  const lock = `${output}.lock`;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 300_000) rmSync(lock, { recursive: true, force: true }); // a crashed builder
      Atomics.wait(sleeper, 0, 0, 200);
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function compile(): void {
  // Build to a private file and rename, so readers never see a half-written module.
  const temporary = `${output}.${process.pid}.tmp`;
  const asc = join(cpuDir, '..', 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  execFileSync(
    process.execPath,
    [
      asc,
      join(cpuDir, 'assembly', 'index.ts'),
      '--outFile',
      temporary,
      '--runtime',
      'stub',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      String(WASM_MIN_PAGES),
      '--maximumMemory',
      String(WASM_MAX_PAGES),
      '--enable',
      'threads',
      '--noExportMemory',
      '--optimizeLevel',
      '3',
      '--shrinkLevel',
      '0',
      '--noAssert',
      '--use',
      'abort=',
    ],
    { stdio: ['ignore', 2, 2] }, // compiler chatter must not mix with a program's stdout
  );
  renameSync(temporary, output);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const stale = process.argv.includes('--force') || wasmIsStale();
  buildWasm(stale);
  console.log(stale ? `built ${output} in ${Date.now() - started} ms` : `${output} is up to date`);
}
