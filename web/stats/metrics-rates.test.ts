import { describe, it, expect } from 'vitest';
import {
  computeRates,
  formatRate,
  jitSummary,
  usedIndexDelta,
  type MetricsSample,
} from './metrics-rates';
import type { MachineMetrics } from '../../workers/browser/vmm-api';

function sample(
  atMs: number,
  instret: number[],
  answered: number,
  interrupts: number,
): MetricsSample {
  const metrics = {
    state: 'running',
    uptimeMs: atMs,
    bootTimeUs: undefined,
    harts: instret.map((n, hart) => ({
      hart,
      status: 0,
      instret: n,
      mmioRead: answered,
      mmioWrite: 0,
      sbi: 0,
      wfi: 0,
      interrupts,
      tlbMiss: 0,
      exceptions: 0,
    })),
    exits: { answered: [answered], unmapped: 0 },
    plic: { claims: interrupts, emptyClaims: 0, completes: 0, ignoredAccesses: 0 },
    console: { bytesOut: 10 * answered, droppedInputBytes: 0 },
  } as unknown as MachineMetrics;
  return { atMs, metrics };
}

describe('computeRates', () => {
  it('turns instret deltas into instructions per second per hart', () => {
    const rates = computeRates(sample(0, [0, 100], 0, 0), sample(500, [1_000_000, 600_100], 50, 4));
    expect(rates.ipsPerHart).toEqual([2_000_000, 1_200_000]);
    expect(rates.ips).toBe(3_200_000);
    expect(rates.exitsPerSec).toBe(100);
    expect(rates.interruptsPerSec).toBe(16); // 4 per hart, two harts, over half a second
    expect(rates.plicClaimsPerSec).toBe(8);
    expect(rates.consoleBytesPerSec).toBe(1000);
  });

  it('never reports negative rates when a fresh machine resets its counters', () => {
    const rates = computeRates(sample(0, [5_000], 40, 9), sample(1000, [10], 1, 0));
    expect(rates.ips).toBe(0);
    expect(rates.exitsPerSec).toBe(0);
  });
});

describe('formatRate', () => {
  it('uses k/M/G suffixes', () => {
    expect(formatRate(999)).toBe('999');
    expect(formatRate(12_345)).toBe('12.3 k');
    expect(formatRate(45_600_000)).toBe('45.6 M');
    expect(formatRate(1_230_000_000)).toBe('1.23 G');
  });
});

describe('usedIndexDelta', () => {
  it('counts completions across the 16-bit wrap', () => {
    expect(usedIndexDelta(10, 25)).toBe(15);
    expect(usedIndexDelta(65530, 4)).toBe(10);
    expect(usedIndexDelta(7, 7)).toBe(0);
  });
});

describe('jitSummary', () => {
  const withJit = (translated: number[], interpreted: number[], mode = 'mixed') =>
    ({
      jitMode: mode,
      harts: translated.map((t, hart) => ({
        hart,
        instret: 0,
        jit: {
          translatedInstructions: t,
          interpretedSteps: interpreted[hart]!,
          blockRuns: 0,
          cacheSize: 10 * (hart + 1),
          blocksCompiled: 20 * (hart + 1),
          compileMs: 100,
          wasmBytes: 1000,
          invalidatedPages: 0,
          regionsCompiled: 0,
          modulesCompiled: 0,
          flushes: 0,
          heatThreshold: 32_000 / (hart + 1),
        },
      })),
    }) as unknown as MachineMetrics;

  it('adds up the harts and gives the translated share between samples and overall', () => {
    const summary = jitSummary(withJit([100, 0], [100, 100]), withJit([400, 200], [200, 100]))!;
    // Between samples: 500 translated, 100 interpreted; overall 600 of 900.
    expect(summary.translatedShare).toBeCloseTo(500 / 600);
    expect(summary.translatedShareTotal).toBeCloseTo(600 / 900);
    expect(summary.cacheSize).toBe(30);
    expect(summary.blocksCompiled).toBe(60);
    expect(summary.compileMs).toBe(200);
    expect(summary.heatThreshold).toBe(16_000); // the lowest: one hart has settled
    expect(summary.mode).toBe('mixed');
  });

  it('is absent when the JIT is off or no hart reported', () => {
    expect(jitSummary(withJit([1], [1], 'off'), withJit([2], [2], 'off'))).toBeUndefined();
    const none = { jitMode: 'mixed', harts: [{ hart: 0, jit: null }] } as unknown as MachineMetrics;
    expect(jitSummary(none, none)).toBeUndefined();
  });

  it('falls back to the overall share when nothing ran between samples', () => {
    const same = withJit([300], [100]);
    expect(jitSummary(same, same)!.translatedShare).toBeCloseTo(0.75);
  });
});
