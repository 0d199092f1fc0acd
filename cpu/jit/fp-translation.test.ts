// Translated F/D code against the interpreter: random programs over every FP operation the
// translator handles (both formats, static and dynamic rounding modes, NaN-boxed and unboxed
// singles, special values) must leave identical f and x registers, fcsr (fflags, frm) and
// mstatus (FS dirty); with mstatus.FS off the first FP instruction traps exactly as interpreted.
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../test-support/asm';
import { rng } from '../test-support/rng';
import {
  createTestMachine,
  cpuModule,
  CPU_BUILD_TIMEOUT_MS,
  RAM_BASE,
  type TestMachine,
} from '../test-support/machine.node';
import { HS_F, HS_FCSR, HS_MCAUSE, HS_MEPC, HS_MSTATUS, HS_MTVEC } from '../layout/hart-state';
import { HART_STATE_BASE } from '../layout/wasm-memory';
import { JitHart } from './jit-hart';

const F_VALUES = [
  0n,
  0x8000000000000000n, // -0.0
  0x3ff0000000000000n, // 1.0
  0xc00921fb54442d18n, // -pi
  0x7ff0000000000000n, // +inf
  0x7ff8000000000000n, // qNaN
  0x7ff4000000000000n, // sNaN
  0x0000000000000001n, // smallest subnormal
  0x41dfffffffc00000n, // 2^31 - 1
  0xffffffff3f800000n, // boxed single 1.0f
  0xffffffffbf000001n, // boxed single just below -0.5f
  0xffffffff7f800000n, // boxed single +inf
  0xffffffff7fa00000n, // boxed single sNaN
  0x000000003f800000n, // unboxed single (reads as canonical NaN)
  0xffffffff00000001n, // boxed single subnormal
  0x4341c37937e08000n, // 1e16
];
/** Ordinary numbers for the native fast path (fp-fast-path.ts): short mantissas (exact FMA
 * products) and long ones (inexact products). */
const ORDINARY_D = [
  0x3ff8000000000000n, // 1.5
  0xc002000000000000n, // -2.25
  0x4008000000000000n, // 3.0
  0x3fb999999999999an, // 0.1
  0xbfd8000000000000n, // -0.375
  0x4340000000000001n, // 2^53 + 2
  0xbfd5555555555555n, // -1/3
];
const ORDINARY_S = [
  0xffffffff3fc00000n, // 1.5f
  0xffffffffc0200000n, // -2.5f
  0xffffffff3dcccccdn, // 0.1f
  0xffffffff40400000n, // 3.0f
  0xffffffffbf400000n, // -0.75f
  0xffffffff3eaaaaabn, // 1/3f
];
/** Doubles at and just beyond the fast FMA's operand range (2^±400), and far outside it. */
const FMA_EDGES = [
  0x58f0000000000000n, // 2^400
  0x5900000000000000n, // 2^401
  0x26f0000000000000n, // 2^-400
  0x26e0000000000000n, // 2^-401
  0x7e37e43c8800759cn, // 1e300
  0x0170000000000000n, // 2^-1000
  0xbff8000000000000n, // -1.5
  0x3fb999999999999an, // 0.1
];

const X_VALUES = [0n, 1n, -1n, 0x7fffffffn, -(2n ** 63n), 123456789n, 2n ** 53n + 1n];

/** Random FP instructions over f1..f8 and x5..x9 (the encodings the translator handles). */
function randomFpProgram(next: () => number, count: number): number[] {
  const f = (): number => 1 + (next() % 8);
  const x = (): number => 5 + (next() % 5);
  const rm = (): number => [0, 1, 2, 3, 4, 7, 7, 7][next() % 8]!;
  const fmt = (): number => next() % 2;
  const ops: (() => number)[] = [
    () => A.opFp(((next() % 4) << 2) | fmt(), f(), f(), f(), rm()), // add sub mul div
    () => A.opFp((0x0b << 2) | fmt(), f(), f(), 0, rm()), // sqrt
    () => A.opFp((0x04 << 2) | fmt(), f(), f(), f(), next() % 3), // sgnj / n / x
    () => A.opFp((0x05 << 2) | fmt(), f(), f(), f(), next() % 2), // min / max
    () => A.opFp(0x08 << 2, f(), f(), 1, rm()), // fcvt.s.d
    () => A.opFp((0x08 << 2) | 1, f(), f(), 0, rm()), // fcvt.d.s
    () => A.opFp((0x14 << 2) | fmt(), x(), f(), f(), next() % 3), // fle flt feq
    () => A.opFp((0x18 << 2) | fmt(), x(), f(), next() % 4, rm()), // fcvt.{w,wu,l,lu}.{s,d}
    () => A.opFp((0x1a << 2) | fmt(), f(), x(), next() % 4, rm()), // fcvt.{s,d}.{w,wu,l,lu}
    () => A.opFp((0x1c << 2) | fmt(), x(), f(), 0, next() % 2), // fmv.x / fclass
    () => A.opFp((0x1e << 2) | fmt(), f(), x(), 0, 0), // fmv.w.x / fmv.d.x
    () => {
      const opcode = [0x43, 0x47, 0x4b, 0x4f][next() % 4]!; // fmadd fmsub fnmsub fnmadd
      const fields = (f() << 27) | (fmt() << 25) | (f() << 20) | (f() << 15) | (rm() << 12);
      return (fields | (f() << 7) | opcode) >>> 0;
    },
  ];
  return Array.from({ length: count }, () => ops[next() % ops.length]!());
}

/** Random add/sub/mul/div, sqrt and FMAs of one format over f1..f8, mostly RNE. */
function randomArithmetic(next: () => number, count: number, double: boolean): number[] {
  const f = (): number => 1 + (next() % 8);
  const rm = (): number => [0, 0, 7, 7, 7, 1][next() % 6]!;
  const fmt = double ? 1 : 0;
  const ops: (() => number)[] = [
    () => A.opFp(((next() % 4) << 2) | fmt, f(), f(), f(), rm()),
    () => A.opFp((0x0b << 2) | fmt, f(), f(), 0, rm()),
    () => {
      const opcode = [0x43, 0x47, 0x4b, 0x4f][next() % 4]!;
      const fields = (f() << 27) | (fmt << 25) | (f() << 20) | (f() << 15) | (rm() << 12);
      return (fields | (f() << 7) | opcode) >>> 0;
    },
  ];
  const weights = [0, 0, 0, 1, 2, 2, 2];
  return Array.from({ length: count }, () => ops[weights[next() % weights.length]!]!());
}

function isNormal(bits: bigint, double: boolean): boolean {
  const exponent = double ? (bits >> 52n) & 0x7ffn : (bits >> 23n) & 0xffn;
  return exponent !== 0n && exponent !== (double ? 0x7ffn : 0xffn);
}

/** Runs `program` translated, then interpreted for as many instructions: [JIT, interpreter]
 * state (pc, instret, fcsr, mstatus, f and x registers). */
async function jitAgainstInterpreter(
  program: number[],
  prepare: (m: TestMachine) => void,
  inspect: (m: TestMachine) => void = () => {},
): Promise<bigint[][]> {
  const results: bigint[][] = [];
  let retired = 0;
  for (const engine of ['jit', 'interpreter'] as const) {
    const m = await createTestMachine();
    m.code(RAM_BASE, program);
    prepare(m);
    if (engine === 'jit') {
      const jit = new JitHart(m.cpus[0]!, m.memory, 0);
      jit.run(program.length);
      expect(jit.stats.translatedInstructions).toBeGreaterThanOrEqual(program.length - 2);
      retired = Number(m.harts[0]!.instret); // the JIT stops at a block boundary
      inspect(m);
    } else {
      m.run(retired);
    }
    results.push(fpState(m));
  }
  return results;
}

function setup(
  m: TestMachine,
  next: () => number,
  values = F_VALUES,
  fflags = 0,
  frms = [0, 1, 2, 3, 4],
): void {
  const view = new DataView(m.memory.buffer);
  for (let r = 1; r <= 8; r++) {
    view.setBigUint64(HART_STATE_BASE + HS_F + r * 8, values[next() % values.length]!, true);
  }
  for (let r = 5; r <= 9; r++) {
    const v = BigInt.asUintN(64, X_VALUES[next() % X_VALUES.length]!);
    view.setBigUint64(HART_STATE_BASE + r * 8, v, true);
  }
  const frm = frms[next() % frms.length]!;
  view.setBigUint64(HART_STATE_BASE + HS_FCSR, BigInt((frm << 5) | fflags), true);
}

const fpState = (m: TestMachine): bigint[] => {
  const h = m.harts[0]!;
  return [
    h.pc,
    h.instret,
    h.csr(HS_FCSR),
    h.csr(HS_MSTATUS),
    ...Array.from({ length: 32 }, (_, r) => h.f(r)),
    ...Array.from({ length: 32 }, (_, r) => h.x(r)),
  ];
};

describe('translated floating point', () => {
  beforeAll(async () => {
    await cpuModule();
  }, CPU_BUILD_TIMEOUT_MS);

  it('matches the interpreter on random F/D programs (results, fflags, FS)', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const program = [...randomFpProgram(rng(seed * 104729), 60), A.SPIN];
      const [jit, interpreted] = await jitAgainstInterpreter(program, (m) => setup(m, rng(seed)));
      expect(jit, `seed ${seed}`).toEqual(interpreted);
    }
  });

  it.each([
    { format: 'double', values: ORDINARY_D },
    { format: 'single', values: ORDINARY_S },
  ])(
    'native arithmetic with fflags.NX already set matches the FPU ($format)',
    async ({ format, values }) => {
      // NX set and (mostly) round to nearest even: fp-fast-path.ts computes with WASM's own
      // float ops wherever the result is a normal number. One format only, so that values stay
      // numbers instead of turning into NaN after a few mixed-format operations.
      let normal = 0;
      for (let seed = 1; seed <= 24; seed++) {
        const next = rng(seed * 7919);
        const program = [...randomArithmetic(next, 20, format === 'double'), A.SPIN];
        const [jit, interpreted] = await jitAgainstInterpreter(
          program,
          (m) => {
            setup(m, rng(seed), values, 1, [0, 0, 0, 1]);
          },
          (m) => {
            for (let r = 1; r <= 8; r++)
              normal += isNormal(m.harts[0]!.f(r), format === 'double') ? 1 : 0;
          },
        );
        expect(jit, `seed ${seed}`).toEqual(interpreted);
      }
      // The programs must have left numbers behind, or the fast path was never the answer.
      expect(normal).toBeGreaterThan(24 * 8 * 0.3);
    },
  );

  it('takes the FPU where results underflow, overflow or FMA factors leave the fast range', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const next = rng(seed * 31337);
      const f = (): number => 1 + (next() % 8);
      const program = Array.from({ length: 12 }, () => {
        if (next() % 2) return A.opFp(((next() % 4) << 2) | 1, f(), f(), f(), 0); // add..div
        const opcode = [0x43, 0x47, 0x4b, 0x4f][next() % 4]!;
        return ((f() << 27) | (1 << 25) | (f() << 20) | (f() << 15) | (f() << 7) | opcode) >>> 0;
      });
      program.push(A.SPIN);
      const [jit, interpreted] = await jitAgainstInterpreter(program, (m) => {
        setup(m, rng(seed), FMA_EDGES, 1, [0]);
      });
      expect(jit, `seed ${seed}`).toEqual(interpreted);
    }
  });

  it('leaves FP instructions to the interpreter when mstatus.FS is off (illegal instruction)', async () => {
    const program = [A.addi(A.X.a0, 0, 1), A.opFp(1, 1, 2, 3, 0), A.addi(A.X.a0, 0, 2), A.SPIN];
    const results: bigint[][] = [];
    for (const engine of ['interpreter', 'jit'] as const) {
      const m = await createTestMachine();
      m.code(RAM_BASE, program);
      m.code(RAM_BASE + 0x100n, [A.SPIN]);
      const view = new DataView(m.memory.buffer);
      view.setBigUint64(HART_STATE_BASE + HS_MSTATUS, 0n, true); // FS = Off
      view.setBigUint64(HART_STATE_BASE + HS_MTVEC, RAM_BASE + 0x100n, true);
      if (engine === 'jit') new JitHart(m.cpus[0]!, m.memory, 0).run(10);
      else m.run(10);
      const h = m.harts[0]!;
      results.push([h.pc, h.csr(HS_MCAUSE), h.csr(HS_MEPC), h.x(A.X.a0), h.csr(HS_MSTATUS)]);
    }
    expect(results[0]![1]).toBe(2n); // illegal instruction
    expect(results[0]![2]).toBe(RAM_BASE + 4n);
    expect(results[1]).toEqual(results[0]);
  });
});
