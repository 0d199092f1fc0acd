/**
 * Compiles the FPU alone (cpu/assembly/fpu/index.ts plus the test-only exports in
 * cpu/assembly/fpu/testing.ts) to a WASM module for the FPU tests and benchmarks. The binary is
 * cached in the OS temp directory under a hash of the sources, so parallel test files compile
 * once. Run directly (`npx tsx cpu/fpu-tests/build.ts out.wasm`) to save the module.
 */
import asc from 'assemblyscript/asc';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fpuDir = join(repoRoot, 'cpu', 'assembly', 'fpu');

/** The exported API of the test module: bit patterns in, bit patterns out (see index.ts). */
export interface FpuExports {
  readonly fpu_flags: WebAssembly.Global;
  readonly fpu_take_flags: () => number;
  readonly [name: string]: unknown;
}

export async function compileFpuWasm(optimize = true): Promise<Uint8Array<ArrayBuffer>> {
  let binary: Uint8Array | undefined;
  const errors: string[] = [];
  const entries = ['index.ts', 'testing.ts'].map((f) => relative(repoRoot, join(fpuDir, f)));
  const result = await asc.main(
    [
      ...entries,
      '--outFile',
      'fpu.wasm',
      '--runtime',
      'stub',
      optimize ? '-O3' : '-O0',
      '--noAssert',
      '--baseDir',
      repoRoot,
    ],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
      },
      stdout: { write: () => true } as never,
      stderr: {
        write: (chunk: string | Uint8Array) => {
          errors.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
          return true;
        },
      } as never,
    },
  );
  if (result.error || !binary) {
    throw new Error(
      `FPU compile failed: ${result.error?.message ?? 'no output'}\n${errors.join('')}`,
    );
  }
  return new Uint8Array(binary);
}

/** Hash of every FPU source and the compiler version: the cache key. */
function sourceHash(optimize: boolean): string {
  const hash = createHash('sha256');
  hash.update(`${asc.version} ${optimize}`);
  for (const name of readdirSync(fpuDir).sort()) {
    hash.update(name);
    hash.update(readFileSync(join(fpuDir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The compiled module, from the temp-directory cache when the sources are unchanged. */
export async function cachedFpuWasm(optimize = true): Promise<Uint8Array<ArrayBuffer>> {
  const path = join(tmpdir(), `kindling-fpu-${sourceHash(optimize)}.wasm`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    const binary = await compileFpuWasm(optimize);
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, binary);
    renameSync(partial, path); // atomic: a parallel reader never sees half a file
    return binary;
  }
}

export async function instantiateFpu(optimize = true): Promise<FpuExports> {
  const module = await WebAssembly.compile(await cachedFpuWasm(optimize));
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort: () => {
        throw new Error('FPU module aborted');
      },
    },
  });
  return instance.exports as unknown as FpuExports;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? 'fpu.wasm';
  writeFileSync(out, await compileFpuWasm());
  console.log(`wrote ${out}`);
}
