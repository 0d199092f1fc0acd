import { beforeAll, describe, expect, it } from 'vitest';
import { type FpuExports, instantiateFpu } from './build';
import { DZ, NX, NV, d } from './bits';
import { runOp } from './fpu-api';
import { F32, F64, Rng, operand } from './ref/operands';

let fpu: FpuExports;
beforeAll(async () => {
  fpu = await instantiateFpu();
}, 60_000);

/** Every name the CPU contract promises (cpu/assembly/fpu/index.ts). */
const CONTRACT = [
  ...['add', 'sub', 'mul', 'div', 'sqrt', 'fma', 'min', 'max', 'eq', 'lt', 'le', 'class'].flatMap(
    (op) => [`f32_${op}`, `f64_${op}`],
  ),
  ...['i32', 'u32', 'i64', 'u64'].flatMap((t) => [
    `f32_to_${t}`,
    `f64_to_${t}`,
    `${t}_to_f32`,
    `${t}_to_f64`,
  ]),
  'f32_to_f64',
  'f64_to_f32',
  'fpu_take_flags',
];

describe('FPU module interface', () => {
  it('exports every contract function and the fpu_flags global', () => {
    const missing = CONTRACT.filter((name) => typeof fpu[name] !== 'function');
    expect(missing).toEqual([]);
    expect(fpu.fpu_flags).toBeInstanceOf(WebAssembly.Global);
  });

  it('ORs flags into fpu_flags across operations until they are taken', () => {
    const div = fpu.f64_div as (a: bigint, b: bigint, rm: number) => bigint;
    const add = fpu.f64_add as (a: bigint, b: bigint, rm: number) => bigint;
    const lt = fpu.f32_lt as (a: number, b: number) => number;
    fpu.fpu_take_flags();
    expect(fpu.fpu_flags.value).toBe(0);
    div(d(1), 0n, 0);
    expect(fpu.fpu_flags.value).toBe(DZ);
    add(d(1), d(2 ** -60), 0);
    lt(0x7fc00000, 0);
    expect(fpu.fpu_flags.value).toBe(DZ | NX | NV);
    expect(fpu.fpu_take_flags()).toBe(DZ | NX | NV);
    expect(fpu.fpu_flags.value).toBe(0);
    add(d(1), d(2), 0); // exact: raises nothing
    expect(fpu.fpu_take_flags()).toBe(0);
  });

  it('never traps, even on rounding modes the CPU would reject (5..7) or garbage', () => {
    const rng = new Rng(99n);
    const rounding = CONTRACT.filter(
      (n) => !/_(min|max|eq|lt|le|class)$|^f32_to_f64$|^fpu_/.test(n),
    );
    let calls = 0;
    for (const name of rounding) {
      const single = name.startsWith('f32_') || /^(i|u)(32|64)_to_f32$/.test(name);
      const f = single && !name.startsWith('i') && !name.startsWith('u') ? F32 : F64;
      for (let i = 0; i < 40; i++) {
        const args = [operand(rng, f), operand(rng, f), operand(rng, f)];
        for (const rm of [5, 6, 7, 0x7fffffff]) {
          const out = runOp(fpu, name, args, rm);
          expect(typeof out.result).toBe('bigint');
          calls++;
        }
      }
    }
    expect(calls).toBe(rounding.length * 160);
  });
});
