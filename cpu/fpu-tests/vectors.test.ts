import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FpuExports, instantiateFpu } from './build';
import { runOp } from './fpu-api';

// FPU_VECTORS_DIR points a one-off soak run at a larger generated set (see ref/gen-vectors.ts).
const vectorDir =
  process.env.FPU_VECTORS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), 'vectors');

interface Vector {
  readonly line: number;
  readonly op: string;
  readonly rm: number;
  readonly operands: bigint[];
  readonly result: bigint;
  readonly flags: number;
}

function loadVectors(file: string): Vector[] {
  const text = readFileSync(join(vectorDir, file), 'utf8');
  const vectors: Vector[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw === '' || raw.startsWith('#')) return;
    const [op, rm, ...hex] = raw.split(' ');
    const values = hex.map((h) => BigInt(`0x${h}`));
    const flags = values.pop();
    const result = values.pop();
    if (!op || rm === undefined || flags === undefined || result === undefined) {
      throw new Error(`${file}:${index + 1}: malformed vector`);
    }
    vectors.push({
      line: index + 1,
      op,
      rm: Number(rm),
      operands: values,
      result,
      flags: Number(flags),
    });
  });
  return vectors;
}

let fpu: FpuExports;
beforeAll(async () => {
  fpu = await instantiateFpu();
}, 60_000);

describe.each(['f32.txt', 'f64.txt', 'convert.txt'])('reference vectors %s', (file) => {
  it('matches qemu-riscv64 results and fflags bit for bit', () => {
    const vectors = loadVectors(file);
    expect(vectors.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    for (const v of vectors) {
      const got = runOp(fpu, v.op, v.operands, v.rm);
      if (got.result !== v.result || got.flags !== v.flags) {
        failures.push(
          `${file}:${v.line} ${v.op} rm=${v.rm} ${v.operands.map((x) => x.toString(16)).join(' ')}: ` +
            `want ${v.result.toString(16)}/${v.flags.toString(16)} got ${got.result.toString(16)}/${got.flags.toString(16)}`,
        );
      }
    }
    console.log(`${file}: ${vectors.length} vectors checked, ${failures.length} mismatches`);
    expect(failures.slice(0, 40)).toEqual([]);
  });
});
