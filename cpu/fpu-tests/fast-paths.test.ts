import { beforeAll, describe, expect, it } from 'vitest';
import { type FpuExports, instantiateFpu } from './build';
import { runOp } from './fpu-api';
import { ALL_MODES, RNE, d, fromD, fromS, s } from './bits';
import {
  F32,
  F64,
  type Format,
  Rng,
  addPartner,
  edgePartner,
  fmaTriple,
  operand,
  toIntOperand,
} from './ref/operands';

let fpu: FpuExports;
beforeAll(async () => {
  fpu = await instantiateFpu();
}, 60_000);

const PER_MODE = 4000;

type Kind = 'add' | 'mul' | 'div' | 'fma';

/** Operand tuples that stress each operation (same generators as the reference vectors). */
function operandTuples(seed: bigint, f: Format, kind: Kind, n: number): bigint[][] {
  const rng = new Rng(seed);
  const out: bigint[][] = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'fma') {
      out.push(fmaTriple(rng, f));
      continue;
    }
    const a = operand(rng, f);
    if (kind === 'add') out.push([a, addPartner(rng, f, a)]);
    else out.push([a, rng.chance(0.3) ? edgePartner(rng, f, a, kind === 'div') : operand(rng, f)]);
  }
  return out;
}

describe('native fast paths agree with the exact integer paths', () => {
  const cases: [string, Format, Kind][] = [
    ['f64_add', F64, 'add'],
    ['f64_mul', F64, 'mul'],
    ['f64_div', F64, 'div'],
    ['f64_fma', F64, 'fma'],
    ['f32_add', F32, 'add'],
    ['f32_mul', F32, 'mul'],
    ['f32_div', F32, 'div'],
    ['f32_fma', F32, 'fma'],
  ];
  it.each(cases)('%s matches its exact path in every rounding mode', (fast, f, kind) => {
    const seed = BigInt([...fast].reduce((h, ch) => h * 31 + ch.charCodeAt(0), 7));
    const tuples = operandTuples(seed, f, kind, PER_MODE);
    const mismatches: string[] = [];
    let checked = 0;
    for (const args of tuples) {
      for (const rm of ALL_MODES) {
        const a = runOp(fpu, fast, args, rm);
        const c = runSoft(`soft_${fast}`, args, rm, f);
        checked++;
        if (a.result !== c.result || a.flags !== c.flags) {
          const ops = args.map((x) => x.toString(16)).join(', ');
          const fastOut = `${a.result.toString(16)}/${a.flags}`;
          mismatches.push(
            `${fast}(${ops}) rm=${rm}: fast ${fastOut} exact ${c.result.toString(16)}/${c.flags}`,
          );
        }
      }
    }
    expect(checked).toBe(PER_MODE * 5);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

describe('native float -> integer conversions agree with the exact path', () => {
  const targets: [string, boolean, number][] = [
    ['i32', true, 32],
    ['u32', false, 32],
    ['i64', true, 64],
    ['u64', false, 64],
  ];
  it.each([F32, F64])('binary%s operands, all targets and modes', (f) => {
    const src = f.width === 32 ? 'f32' : 'f64';
    const rng = new Rng(BigInt(f.width) * 13n);
    const soft = fpu.soft_to_int as (
      a: bigint,
      dbl: number,
      rm: number,
      s: number,
      b: number,
    ) => bigint;
    const mismatches: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const a = rng.chance(0.5) ? toIntOperand(rng, f) : operand(rng, f);
      for (const [name, signed, bits] of targets) {
        for (const rm of ALL_MODES) {
          const fast = runOp(fpu, `${src}_to_${name}`, [a], rm);
          fpu.fpu_take_flags();
          const raw = soft(a, f.width === 64 ? 1 : 0, rm, signed ? 1 : 0, bits);
          const want = BigInt.asUintN(bits, raw);
          const wantFlags = fpu.fpu_take_flags();
          if (fast.result !== want || fast.flags !== wantFlags) {
            mismatches.push(
              `${src}_to_${name}(${a.toString(16)}) rm=${rm}: fast ${fast.result}/${fast.flags} exact ${want}/${wantFlags}`,
            );
          }
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

function runSoft(
  name: string,
  args: bigint[],
  rm: number,
  f: Format,
): { result: bigint; flags: number } {
  const fn = fpu[name] as (...x: unknown[]) => unknown;
  fpu.fpu_take_flags();
  const conv = (x: bigint): number | bigint => (f.width === 32 ? Number(x) : x);
  const raw = fn(...args.map(conv), rm);
  const result = f.width === 32 ? BigInt((raw as number) >>> 0) : BigInt.asUintN(64, raw as bigint);
  return { result, flags: fpu.fpu_take_flags() };
}

describe('round-to-nearest results agree with the host IEEE arithmetic', () => {
  // JS numbers are binary64 with RNE; Math.fround of an exact-or-double-rounded f32 operation
  // is correctly rounded because 53 >= 2*24 + 2 (add, sub, mul, div, sqrt).
  const ops: [string, (x: number, y: number) => number][] = [
    ['add', (x, y) => x + y],
    ['sub', (x, y) => x - y],
    ['mul', (x, y) => x * y],
    ['div', (x, y) => x / y],
    ['sqrt', (x) => Math.sqrt(x)],
  ];
  it.each(ops)('%s, binary64 and binary32', (name, host) => {
    const rng = new Rng(BigInt(name.charCodeAt(0)) * 101n);
    let compared = 0;
    for (let i = 0; i < 4000; i++) {
      const a = operand(rng, F64);
      const b = operand(rng, F64);
      const want = host(fromD(a), fromD(b));
      const args = name === 'sqrt' ? [a] : [a, b];
      const got = runOp(fpu, `f64_${name}`, args, RNE).result;
      if (Number.isNaN(want)) expect(got).toBe(0x7ff8000000000000n);
      else expect(got.toString(16)).toBe(d(want).toString(16));
      const a32 = operand(rng, F32);
      const b32 = operand(rng, F32);
      const want32 = Math.fround(host(fromS(a32), fromS(b32)));
      const got32 = runOp(fpu, `f32_${name}`, name === 'sqrt' ? [a32] : [a32, b32], RNE).result;
      if (Number.isNaN(want32)) expect(got32).toBe(0x7fc00000n);
      else expect(got32.toString(16)).toBe(s(want32).toString(16));
      compared += 2;
    }
    expect(compared).toBe(8000);
  });
});
