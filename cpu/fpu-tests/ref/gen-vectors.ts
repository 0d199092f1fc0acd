/**
 * Regenerates cpu/fpu-tests/vectors/*.txt: builds fpref.c with the RISC-V cross compiler, feeds
 * it deterministic operands (operands.ts) for every FPU operation and rounding mode under
 * qemu-riscv64, and stores "op rm operands... result fflags" lines (hex).
 *
 *   npx tsx cpu/fpu-tests/ref/gen-vectors.ts [--out DIR --seed N --scale K]
 *
 * --out/--seed/--scale make a larger, different set elsewhere for a one-off soak run:
 *   FPU_VECTORS_DIR=DIR npx vitest run cpu/fpu-tests/vectors.test.ts
 *
 * Needs gcc-riscv64-linux-gnu and qemu-user (Debian packages); the tests only read the output.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  F32,
  F64,
  type Format,
  Rng,
  addPartner,
  edgePartner,
  fmaTriple,
  fromNumber,
  intOperand,
  operand,
  specials,
  toIntOperand,
  toNumber,
} from './operands';

const here = dirname(fileURLToPath(import.meta.url));
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const vectorDir = option('out', join(here, '..', 'vectors'));
const seed = BigInt(option('seed', '20261123'));
const scale = Number(option('scale', '1'));

type Tuple = bigint[];
type Gen = (rng: Rng) => Tuple;

function binary(f: Format): Gen {
  return (rng) => [operand(rng, f), operand(rng, f)];
}
function addLike(f: Format): Gen {
  return (rng) => {
    const a = operand(rng, f);
    return [a, addPartner(rng, f, a)];
  };
}
function mulLike(f: Format, divide: boolean): Gen {
  return (rng) => {
    const a = operand(rng, f);
    return [a, rng.chance(0.3) ? edgePartner(rng, f, a, divide) : operand(rng, f)];
  };
}
function fmaOperands(f: Format): Gen {
  return (rng) => fmaTriple(rng, f);
}
function sqrtOperand(f: Format): Gen {
  const signBit = 1n << BigInt(f.width - 1);
  return (rng) => {
    const k = rng.int(10);
    if (k < 2) return [operand(rng, f)];
    if (k < 4) {
      // perfect squares
      const q = toNumber(f, operand(rng, f) & ~signBit);
      return [fromNumber(f, Math.fround(q) * Math.fround(q)) & ~signBit];
    }
    return [operand(rng, f) & ~signBit];
  };
}
function unary(f: Format): Gen {
  return (rng) => [operand(rng, f)];
}
function toInt(f: Format): Gen {
  return (rng) => [toIntOperand(rng, f)];
}
function fromInt(width: 32 | 64, f: Format): Gen {
  return (rng) => [intOperand(rng, width, f)];
}

interface OpSpec {
  readonly name: string;
  readonly gen: Gen;
  readonly count: number;
  readonly rounding: boolean; // run in all five modes
  readonly file: string;
  readonly fixed?: Tuple[]; // always-included operand tuples
}

/**
 * Factor pairs whose exact product is (2^(p+1) - 1) * 2^(emin - p - 1) (and neighbours): just
 * below the smallest normal, where tininess after rounding differs from before rounding.
 */
function tininessPairs(f: Format): Tuple[] {
  const emin = 1 - f.bias;
  const [a, b] = f.width === 32 ? [18631, 1801] : [262143, 68719738881];
  const ea = Math.floor((emin - f.p - 1) / 2);
  const eb = emin - f.p - 1 - ea;
  const tuples: Tuple[] = [];
  for (const shift of [-1, 0, 1]) {
    const x = fromNumber(f, a * 2 ** ea);
    const y = fromNumber(f, b * 2 ** (eb + shift));
    const signBit = 1n << BigInt(f.width - 1);
    tuples.push([x, y], [x ^ signBit, y], [x, y - 1n], [x, y + 1n]);
  }
  return tuples;
}

function opsFor(f: Format): OpSpec[] {
  const t = f.width === 32 ? 'f32' : 'f64';
  const sp = specials(f);
  const pairs = sp.flatMap((a, i) => sp.filter((_, j) => (i + j) % 8 === 0).map((b) => [a, b]));
  const file = t;
  return [
    { name: `${t}_add`, gen: addLike(f), count: 300, rounding: true, file, fixed: pairs },
    { name: `${t}_sub`, gen: addLike(f), count: 200, rounding: true, file },
    {
      name: `${t}_mul`,
      gen: mulLike(f, false),
      count: 300,
      rounding: true,
      file,
      fixed: [...pairs, ...tininessPairs(f)],
    },
    { name: `${t}_div`, gen: mulLike(f, true), count: 300, rounding: true, file, fixed: pairs },
    { name: `${t}_sqrt`, gen: sqrtOperand(f), count: 200, rounding: true, file },
    { name: `${t}_fma`, gen: fmaOperands(f), count: 360, rounding: true, file },
    { name: `${t}_min`, gen: binary(f), count: 200, rounding: false, file, fixed: pairs },
    { name: `${t}_max`, gen: binary(f), count: 200, rounding: false, file, fixed: pairs },
    { name: `${t}_eq`, gen: addLike(f), count: 150, rounding: false, file, fixed: pairs },
    { name: `${t}_lt`, gen: addLike(f), count: 150, rounding: false, file, fixed: pairs },
    { name: `${t}_le`, gen: addLike(f), count: 150, rounding: false, file, fixed: pairs },
    {
      name: `${t}_class`,
      gen: unary(f),
      count: 60,
      rounding: false,
      file,
      fixed: sp.map((a) => [a]),
    },
    { name: `${t}_to_i32`, gen: toInt(f), count: 110, rounding: true, file: 'convert' },
    { name: `${t}_to_u32`, gen: toInt(f), count: 110, rounding: true, file: 'convert' },
    { name: `${t}_to_i64`, gen: toInt(f), count: 110, rounding: true, file: 'convert' },
    { name: `${t}_to_u64`, gen: toInt(f), count: 110, rounding: true, file: 'convert' },
    { name: `i32_to_${t}`, gen: fromInt(32, f), count: 70, rounding: true, file: 'convert' },
    { name: `u32_to_${t}`, gen: fromInt(32, f), count: 70, rounding: true, file: 'convert' },
    { name: `i64_to_${t}`, gen: fromInt(64, f), count: 100, rounding: true, file: 'convert' },
    { name: `u64_to_${t}`, gen: fromInt(64, f), count: 100, rounding: true, file: 'convert' },
  ];
}

const allOps: OpSpec[] = [
  ...opsFor(F32),
  ...opsFor(F64),
  { name: 'f32_to_f64', gen: unary(F32), count: 200, rounding: false, file: 'convert' },
  {
    name: 'f64_to_f32',
    gen: unary(F64),
    count: 0,
    rounding: true,
    file: 'convert',
    // (2^25 - 1) * 2^-151 and neighbours: tininess after rounding when narrowing.
    fixed: [-2, -1, 0, 1, 2].flatMap((d) => {
      const v = fromNumber(F64, (2 ** 25 - 1 + d / 4) * 2 ** -151);
      return [[v], [v | (1n << 63n)]];
    }),
  },
  { name: 'f64_to_f32', gen: unary(F64), count: 160, rounding: true, file: 'convert' },
  {
    name: 'f64_to_f32',
    gen: (rng) => [edgePartner(rng, F64, 0x3ff0000000000000n, true) & ~(1n << 63n)],
    count: 40,
    rounding: true,
    file: 'convert',
  },
];

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'fpref-'));
  try {
    const exe = join(work, 'fpref');
    execFileSync('riscv64-linux-gnu-gcc', [
      ...['-static', '-O2', '-nostdlib', '-ffreestanding', '-march=rv64gc', '-mabi=lp64d'],
      ...['-Wl,--no-relax', '-o', exe, join(here, 'fpref.c')],
    ]);
    const rng = new Rng(seed);
    const byFile = new Map<string, string[]>();
    for (const op of allOps) {
      const tuples = [...(op.fixed ?? [])];
      for (let i = 0; i < op.count * scale; i++) tuples.push(op.gen(rng));
      const lines = byFile.get(op.file) ?? [];
      for (const tuple of tuples) {
        const operands = tuple.map((v) => v.toString(16)).join(' ');
        for (const rm of op.rounding ? [0, 1, 2, 3, 4] : [0])
          lines.push(`${op.name} ${rm} ${operands}`);
      }
      byFile.set(op.file, lines);
    }
    let total = 0;
    for (const [file, lines] of byFile) {
      const out = execFileSync('qemu-riscv64', [exe], {
        input: lines.join('\n') + '\n',
        maxBuffer: 64 << 20,
      }).toString();
      const header =
        `# FPU reference vectors (${file}): op rm operands... result fflags, hex.\n` +
        '# Generated by cpu/fpu-tests/ref/gen-vectors.ts (fpref.c under qemu-riscv64).\n';
      writeFileSync(join(vectorDir, `${file}.txt`), header + out);
      total += lines.length;
      console.log(`${file}.txt: ${lines.length} vectors, ${(out.length / 1024).toFixed(0)} KiB`);
    }
    console.log(`total ${total} vectors`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
