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

function check(cases: Case[]): void {
  for (const [op, operands, want, flags] of cases) {
    B.ALL_MODES.forEach((rm) => {
      const wantResult = Array.isArray(want) ? want[rm] : want;
      const wantFlags = Array.isArray(flags) ? flags[rm] : flags;
      const got = runOp(fpu, op, operands, rm);
      const label = `${op}(${operands.map((x) => x.toString(16)).join(', ')}) rm=${rm}`;
      expect({ label, result: got.result.toString(16), flags: got.flags }).toEqual({
        label,
        result: wantResult?.toString(16),
        flags: wantFlags,
      });
    });
  }
}

describe('rounding modes on halfway and near-halfway sums', () => {
  it('f32: 1 + 2^-24 (tie, even below) and (1 + 2^-23) + 2^-24 (tie, odd below)', () => {
    const one = s(1);
    const up1 = s(1 + 2 ** -23);
    const up2 = s(1 + 2 ** -22);
    check([
      ['f32_add', [one, s(2 ** -24)], [one, one, one, up1, up1], B.NX],
      ['f32_add', [up1, s(2 ** -24)], [up2, up1, up1, up2, up2], B.NX],
      [
        'f32_add',
        [s(-1), s(-(2 ** -24))],
        [s(-1), s(-1), -0n + s(-(1 + 2 ** -23)), s(-1), s(-(1 + 2 ** -23))],
        B.NX,
      ],
    ]);
  });
  it('f64: 1 + 2^-53 and (1 + 2^-52) + 2^-53', () => {
    const one = d(1);
    const up1 = d(1 + 2 ** -52);
    const up2 = d(1 + 2 ** -51);
    check([
      ['f64_add', [one, d(2 ** -53)], [one, one, one, up1, up1], B.NX],
      ['f64_add', [up1, d(2 ** -53)], [up2, up1, up1, up2, up2], B.NX],
      [
        'f64_sub',
        [d(-1), d(2 ** -53)],
        [d(-1), d(-1), d(-(1 + 2 ** -52)), d(-1), d(-(1 + 2 ** -52))],
        B.NX,
      ],
      // just above / below the tie: every mode is decided by direction, not parity
      ['f64_add', [one, d(2 ** -53 + 2 ** -80)], [up1, one, one, up1, up1], B.NX],
    ]);
  });
});

describe('products on a tie', () => {
  it('f64: (1 + 3*2^-52) * 1.5 = 1.5 + 2^-50 + 2^-53, halfway between two doubles', () => {
    const lo = d(1.5 + 2 ** -50); // even significand: RNE's choice, towards zero
    const hi = d(1.5 + 2 ** -50 + 2 ** -52);
    const nlo = lo | (1n << 63n);
    const nhi = hi | (1n << 63n);
    check([
      ['f64_mul', [d(1 + 3 * 2 ** -52), d(1.5)], [lo, lo, lo, hi, hi], B.NX],
      ['f64_mul', [d(1 + 3 * 2 ** -52), d(-1.5)], [nlo, nlo, nhi, nlo, nhi], B.NX],
    ]);
  });
});

describe('overflow and underflow', () => {
  it('overflow gives infinity or the largest finite value depending on mode and sign', () => {
    const flags = B.OF | B.NX;
    const negMax = B.D_MAX | (1n << 63n);
    check([
      ['f64_mul', [B.D_MAX, d(2)], [B.D_INF, B.D_MAX, B.D_MAX, B.D_INF, B.D_INF], flags],
      ['f64_mul', [B.D_MAX, d(-2)], [B.D_NEG_INF, negMax, B.D_NEG_INF, negMax, B.D_NEG_INF], flags],
      ['f32_add', [B.S_MAX, B.S_MAX], [B.S_INF, B.S_MAX, B.S_MAX, B.S_INF, B.S_INF], flags],
      // max + half an ulp: a tie that RNE and RMM resolve upward into overflow, while RTZ and
      // RDN round to max without overflowing (the unbounded-exponent result is max).
      [
        'f64_add',
        [B.D_MAX, d(2 ** 970)],
        [B.D_INF, B.D_MAX, B.D_MAX, B.D_INF, B.D_INF],
        [flags, B.NX, B.NX, flags, flags],
      ],
    ]);
  });
  it('exact subnormal results raise nothing; inexact tiny ones raise UF and NX', () => {
    check([
      ['f64_mul', [B.D_MIN_NORMAL, d(0.5)], 0x0008000000000000n, 0],
      // half of the smallest subnormal: a tie between 0 and 2^-1074
      ['f64_mul', [B.D_MIN_SUB, d(0.5)], [0n, 0n, 0n, 1n, 1n], B.UF | B.NX],
      [
        'f64_mul',
        [B.D_MIN_SUB, d(-0.25)],
        [B.D_NEG_ZERO, B.D_NEG_ZERO, 0x8000000000000001n, B.D_NEG_ZERO, B.D_NEG_ZERO],
        B.UF | B.NX,
      ],
      ['f32_div', [1n, s(3)], [0n, 0n, 0n, 1n, 0n], B.UF | B.NX],
    ]);
  });
  it('detects tininess after rounding (a result that rounds up to the smallest normal)', () => {
    // 18631 * 1801 = 2^25 - 1, so the exact product is (1 - 2^-25) * 2^-126: tiny before
    // rounding, but 24-bit rounding to nearest (or away) gives 2^-126, which is not tiny.
    const a = s(18631 * 2 ** -70);
    const b = s(1801 * 2 ** -81);
    expect(18631 * 2 ** -70 * (1801 * 2 ** -81)).toBe((2 ** 25 - 1) * 2 ** -151);
    const minNormal = 0x00800000n;
    const maxSub = 0x007fffffn;
    check([
      [
        'f32_mul',
        [a, b],
        [minNormal, maxSub, maxSub, minNormal, minNormal],
        [B.NX, B.NX | B.UF, B.NX | B.UF, B.NX, B.NX],
      ],
      [
        'f64_to_f32',
        [d((2 ** 25 - 1) * 2 ** -151)],
        [minNormal, maxSub, maxSub, minNormal, minNormal],
        [B.NX, B.NX | B.UF, B.NX | B.UF, B.NX, B.NX],
      ],
    ]);
  });
});

describe('signed zeros', () => {
  it('x + (-x) is -0 only when rounding down; equal-signed zeros keep their sign', () => {
    const z = [0n, 0n, B.D_NEG_ZERO, 0n, 0n];
    check([
      ['f64_add', [d(1.5), d(-1.5)], z, 0],
      ['f64_sub', [d(1.5), d(1.5)], z, 0],
      ['f64_add', [0n, B.D_NEG_ZERO], z, 0],
      ['f64_add', [B.D_NEG_ZERO, B.D_NEG_ZERO], B.D_NEG_ZERO, 0],
      ['f32_add', [s(3), s(-3)], [0n, 0n, B.S_NEG_ZERO, 0n, 0n], 0],
      ['f64_mul', [B.D_NEG_ZERO, d(5)], B.D_NEG_ZERO, 0],
      ['f64_fma', [d(2), d(3), d(-6)], z, 0],
      ['f32_fma', [s(2), s(3), s(-6)], [0n, 0n, B.S_NEG_ZERO, 0n, 0n], 0],
    ]);
  });
});

describe('NaNs and invalid operations', () => {
  it('every NaN result is canonical; sNaN operands and invalid operations raise NV', () => {
    check([
      ['f64_add', [0x7ff8000000001234n, d(1)], B.D_QNAN, 0],
      ['f64_add', [B.D_SNAN, d(1)], B.D_QNAN, B.NV],
      ['f32_mul', [0xffc00123n, s(2)], B.S_QNAN, 0],
      ['f32_mul', [B.S_SNAN, s(2)], B.S_QNAN, B.NV],
      ['f64_sub', [B.D_INF, B.D_INF], B.D_QNAN, B.NV],
      ['f64_mul', [0n, B.D_INF], B.D_QNAN, B.NV],
      ['f64_div', [0n, 0n], B.D_QNAN, B.NV],
      ['f64_div', [B.D_INF, B.D_NEG_INF], B.D_QNAN, B.NV],
      ['f64_div', [d(1), 0n], B.D_INF, B.DZ],
      ['f64_div', [d(-1), 0n], B.D_NEG_INF, B.DZ],
      ['f64_div', [B.D_INF, 0n], B.D_INF, 0],
      ['f32_div', [s(1), B.S_NEG_ZERO], 0xff800000n, B.DZ],
    ]);
  });
  it('fma: inf * 0 is invalid even with a quiet NaN addend; a single rounding is kept', () => {
    check([
      ['f64_fma', [B.D_INF, 0n, B.D_QNAN], B.D_QNAN, B.NV],
      ['f32_fma', [0n, B.S_INF, B.S_QNAN], B.S_QNAN, B.NV],
      ['f64_fma', [B.D_INF, 0n, d(1)], B.D_QNAN, B.NV],
      ['f64_fma', [B.D_QNAN, d(1), d(1)], B.D_QNAN, 0],
      ['f64_fma', [B.D_INF, d(1), B.D_NEG_INF], B.D_QNAN, B.NV],
      ['f64_fma', [d(1), d(1), B.D_SNAN], B.D_QNAN, B.NV],
      // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly: separate mul and add would give 0.
      ['f64_fma', [d(1 + 2 ** -52), d(1 - 2 ** -52), d(-1)], d(-(2 ** -104)), 0],
      ['f32_fma', [s(1 + 2 ** -23), s(1 - 2 ** -23), s(-1)], s(-(2 ** -46)), 0],
    ]);
  });
  it('sqrt: negative operands are invalid, -0 stays -0, inexact roots per mode', () => {
    // Math.SQRT2 is the RNE root; exact integer arithmetic says on which side of sqrt(2) it lies.
    const r2 = d(Math.SQRT2);
    const m = (r2 & ((1n << 52n) - 1n)) | (1n << 52n); // sqrt(2) ~ m * 2^-52
    const above = m * m > 2n << 104n;
    const below = above ? r2 - 1n : r2;
    const over = above ? r2 : r2 + 1n;
    check([
      ['f64_sqrt', [d(-1)], B.D_QNAN, B.NV],
      ['f64_sqrt', [B.D_NEG_INF], B.D_QNAN, B.NV],
      ['f64_sqrt', [B.D_NEG_ZERO], B.D_NEG_ZERO, 0],
      ['f64_sqrt', [B.D_INF], B.D_INF, 0],
      ['f64_sqrt', [d(4)], d(2), 0],
      ['f64_sqrt', [d(2)], [r2, below, below, over, r2], B.NX],
      ['f32_sqrt', [B.S_SNAN], B.S_QNAN, B.NV],
      ['f32_sqrt', [s(-(2 ** -149))], B.S_QNAN, B.NV],
    ]);
  });
});
