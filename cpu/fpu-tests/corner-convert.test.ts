import { beforeAll, describe, expect, it } from 'vitest';
import { type FpuExports, instantiateFpu } from './build';
import { runOp } from './fpu-api';
import * as B from './bits';
import { d, s } from './bits';

let fpu: FpuExports;
beforeAll(async () => {
  fpu = await instantiateFpu();
}, 60_000);

/** [op, operands, expected result per mode RNE..RMM (or one for all), expected flags (same)] */
type Case = [string, bigint[], bigint | bigint[], number | number[]];

function check(cases: Case[], modes: readonly number[] = B.ALL_MODES): void {
  for (const [op, operands, want, flags] of cases) {
    for (const rm of modes) {
      const wantResult = Array.isArray(want) ? want[rm] : want;
      const wantFlags = Array.isArray(flags) ? flags[rm] : flags;
      const got = runOp(fpu, op, operands, rm);
      const label = `${op}(${operands.map((x) => x.toString(16)).join(', ')}) rm=${rm}`;
      expect({ label, result: got.result.toString(16), flags: got.flags }).toEqual({
        label,
        result: wantResult?.toString(16),
        flags: wantFlags,
      });
    }
  }
}

const I32_MAX = 0x7fffffffn;
const I32_MIN = 0x80000000n;
const U32_MAX = 0xffffffffn;
const I64_MAX = 0x7fffffffffffffffn;
const I64_MIN = 0x8000000000000000n;
const U64_MAX = 0xffffffffffffffffn;
const { NV, NX } = B;

describe('float -> integer conversions saturate at the boundaries', () => {
  it('f64 -> i32 around 2^31 and -2^31', () => {
    check([
      // 2^31 - 0.5: ties to the even 2^31, which is out of range
      [
        'f64_to_i32',
        [d(2 ** 31 - 0.5)],
        [I32_MAX, I32_MAX, I32_MAX, I32_MAX, I32_MAX],
        [NV, NX, NX, NV, NV],
      ],
      ['f64_to_i32', [d(2 ** 31 - 1)], I32_MAX, 0],
      ['f64_to_i32', [d(-(2 ** 31))], I32_MIN, 0],
      ['f64_to_i32', [d(-(2 ** 31) - 1)], I32_MIN, NV],
      ['f64_to_i32', [d(-(2 ** 31) - 0.5)], I32_MIN, [NX, NX, NV, NX, NV]],
      ['f64_to_i32', [B.D_QNAN], I32_MAX, NV],
      ['f64_to_i32', [B.D_SNAN | (1n << 63n)], I32_MAX, NV],
      ['f64_to_i32', [B.D_NEG_INF], I32_MIN, NV],
      ['f64_to_i32', [B.D_INF], I32_MAX, NV],
      ['f32_to_i32', [s(2 ** 31)], I32_MAX, NV],
      ['f64_to_i32', [d(-2.5)], [-2n, -2n, -3n, -2n, -3n].map((x) => BigInt.asUintN(32, x)), NX],
    ]);
  });
  it('unsigned targets: small negatives round to 0 with NX or saturate to 0 with NV', () => {
    check([
      ['f64_to_u32', [d(-0.5)], 0n, [NX, NX, NV, NX, NV]],
      ['f32_to_u32', [s(-0.25)], 0n, [NX, NX, NV, NX, NX]],
      ['f64_to_u32', [d(-1)], 0n, NV],
      ['f64_to_u32', [B.D_NEG_ZERO], 0n, 0],
      ['f64_to_u32', [B.D_QNAN], U32_MAX, NV],
      ['f64_to_u32', [d(2 ** 32)], U32_MAX, NV],
      ['f64_to_u32', [d(2 ** 32 - 0.5)], U32_MAX, [NV, NX, NX, NV, NV]],
      ['f64_to_u64', [B.D_NEG_INF], 0n, NV],
      ['f64_to_u64', [d(2 ** 64)], U64_MAX, NV],
      ['f64_to_u64', [d(2 ** 63)], 1n << 63n, 0],
      ['f32_to_u64', [B.S_QNAN], U64_MAX, NV],
    ]);
  });
  it('64-bit signed limits', () => {
    check([
      ['f64_to_i64', [d(2 ** 63)], I64_MAX, NV],
      ['f64_to_i64', [d(-(2 ** 63))], I64_MIN, 0],
      ['f64_to_i64', [B.D_QNAN], I64_MAX, NV],
      ['f32_to_i64', [s(-(2 ** 64))], I64_MIN, NV],
      ['f64_to_i64', [d(2 ** 62 + 2 ** 10)], (1n << 62n) + 1024n, 0],
    ]);
  });
});

describe('integer -> float conversions round per mode', () => {
  it('i64 -> f64 at 2^53 + 1 (a tie) and u64 max', () => {
    const two53 = d(2 ** 53);
    check([
      ['i64_to_f64', [(1n << 53n) + 1n], [two53, two53, two53, two53 + 1n, two53 + 1n], NX],
      [
        'u64_to_f64',
        [U64_MAX],
        [d(2 ** 64), d(2 ** 64 - 2048), d(2 ** 64 - 2048), d(2 ** 64), d(2 ** 64)],
        NX,
      ],
      ['i64_to_f64', [I64_MIN], d(-(2 ** 63)), 0],
      ['i32_to_f32', [I32_MIN], s(-(2 ** 31)), 0],
      [
        'u32_to_f32',
        [U32_MAX],
        [s(2 ** 32), s(2 ** 32 - 256), s(2 ** 32 - 256), s(2 ** 32), s(2 ** 32)],
        NX,
      ],
      ['i32_to_f64', [BigInt.asUintN(32, -7n)], d(-7), 0],
      [
        'i64_to_f32',
        [BigInt.asUintN(64, -((1n << 24n) + 1n))],
        [s(-(2 ** 24)), s(-(2 ** 24)), s(-(2 ** 24) - 2), s(-(2 ** 24)), s(-(2 ** 24) - 2)],
        NX,
      ],
    ]);
  });
});

describe('single <-> double', () => {
  it('widening is exact; NaNs become canonical, sNaN raises NV', () => {
    check(
      [
        ['f32_to_f64', [B.S_SNAN], B.D_QNAN, NV],
        ['f32_to_f64', [0xffc01234n], B.D_QNAN, 0],
        ['f32_to_f64', [1n], d(2 ** -149), 0],
        ['f32_to_f64', [B.S_NEG_ZERO], B.D_NEG_ZERO, 0],
      ],
      [B.RNE],
    );
  });
  it('narrowing rounds per mode and overflows like arithmetic', () => {
    check([
      ['f64_to_f32', [d(1e300)], [B.S_INF, B.S_MAX, B.S_MAX, B.S_INF, B.S_INF], B.OF | NX],
      ['f64_to_f32', [B.D_SNAN], B.S_QNAN, NV],
      ['f64_to_f32', [d(1 + 2 ** -24)], [s(1), s(1), s(1), s(1 + 2 ** -23), s(1 + 2 ** -23)], NX],
      ['f64_to_f32', [d(2 ** -150)], [0n, 0n, 0n, 1n, 1n], B.UF | NX],
    ]);
  });
});

describe('fmin/fmax, comparisons and fclass', () => {
  it('minimumNumber/maximumNumber: -0 < +0, NaN operands ignored, sNaN raises NV', () => {
    check(
      [
        ['f64_min', [0n, B.D_NEG_ZERO], B.D_NEG_ZERO, 0],
        ['f64_min', [B.D_NEG_ZERO, 0n], B.D_NEG_ZERO, 0],
        ['f64_max', [B.D_NEG_ZERO, 0n], 0n, 0],
        ['f64_min', [B.D_QNAN, d(1)], d(1), 0],
        ['f64_max', [d(-1), B.D_SNAN], d(-1), NV],
        ['f64_min', [B.D_QNAN, B.D_QNAN | 5n], B.D_QNAN, 0],
        ['f32_max', [B.S_SNAN, B.S_QNAN], B.S_QNAN, NV],
        ['f32_min', [s(-3), s(2)], s(-3), 0],
        ['f32_max', [s(-3), s(-2)], s(-2), 0],
      ],
      [B.RNE],
    );
  });
  it('feq is quiet (NV only for sNaN); flt/fle signal on any NaN', () => {
    check(
      [
        ['f64_eq', [B.D_QNAN, d(1)], 0n, 0],
        ['f64_eq', [B.D_SNAN, d(1)], 0n, NV],
        ['f64_eq', [B.D_NEG_ZERO, 0n], 1n, 0],
        ['f64_lt', [B.D_QNAN, d(1)], 0n, NV],
        ['f64_le', [d(1), B.D_QNAN], 0n, NV],
        ['f64_lt', [B.D_NEG_ZERO, 0n], 0n, 0],
        ['f64_le', [B.D_NEG_ZERO, 0n], 1n, 0],
        ['f32_lt', [s(-2), s(-1)], 1n, 0],
        ['f32_le', [s(-1), s(-2)], 0n, 0],
        ['f32_eq', [B.S_SNAN, B.S_SNAN], 0n, NV],
      ],
      [B.RNE],
    );
  });
  it('fclass reports each of the ten classes', () => {
    const neg = 1n << 63n;
    const classes: [bigint, number][] = [
      [B.D_NEG_INF, 0],
      [d(-1), 1],
      [neg | 1n, 2],
      [B.D_NEG_ZERO, 3],
      [0n, 4],
      [1n, 5],
      [d(1), 6],
      [B.D_INF, 7],
      [B.D_SNAN, 8],
      [B.D_QNAN, 9],
    ];
    check(
      classes.map(([v, bit]): Case => ['f64_class', [v], 1n << BigInt(bit), 0]),
      [B.RNE],
    );
    const single: [bigint, number][] = [
      [0xff800000n, 0],
      [s(-1), 1],
      [0x80000001n, 2],
      [B.S_NEG_ZERO, 3],
      [0n, 4],
      [0x7fffffn, 5],
      [B.S_MAX, 6],
      [B.S_INF, 7],
      [0x7fbfffffn, 8],
      [0xffc00000n, 9],
    ];
    check(
      single.map(([v, bit]): Case => ['f32_class', [v], 1n << BigInt(bit), 0]),
      [B.RNE],
    );
  });
});
