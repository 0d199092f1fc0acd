/**
 * Live stats from two samples of the machine's counters: guest instructions per second (instret
 * deltas per hart), MMIO exits, interrupts taken, TLB misses and PLIC claims, all per second.
 */
import type { MachineMetrics } from '../../workers/browser/vmm-api';

export interface MetricsSample {
  atMs: number;
  metrics: MachineMetrics;
}

export interface LiveRates {
  /** Guest instructions retired per second, per hart and in total. */
  ipsPerHart: number[];
  ips: number;
  exitsPerSec: number;
  mmioReadsPerSec: number;
  mmioWritesPerSec: number;
  interruptsPerSec: number;
  sbiCallsPerSec: number;
  tlbMissesPerSec: number;
  plicClaimsPerSec: number;
  consoleBytesPerSec: number;
  /** JIT figures, when the machine runs with the JIT. */
  jit: JitSummary | undefined;
}

export interface JitSummary {
  mode: string;
  /** Share (0..1) of the instructions run between the two samples that ran translated. */
  translatedShare: number;
  /** The same over the machine's whole life. */
  translatedShareTotal: number;
  blocksCompiled: number;
  cacheSize: number;
  compileMs: number;
  wasmBytes: number;
  /** Mixed mode: instructions run from a jump target before it is translated — the lowest of
   * the harts' (lower once the guest has settled); 0 when no hart counts heat. */
  heatThreshold: number;
}

interface JitTotals {
  translated: number;
  interpreted: number;
  blocksCompiled: number;
  cacheSize: number;
  compileMs: number;
  wasmBytes: number;
  heatThreshold: number;
}

/** The JIT counters of every hart added up; undefined when no hart reported any. */
function jitTotals(metrics: MachineMetrics): JitTotals | undefined {
  let totals: JitTotals | undefined;
  for (const hart of metrics.harts) {
    const stats = hart.jit;
    if (!stats) continue;
    totals ??= {
      translated: 0,
      interpreted: 0,
      blocksCompiled: 0,
      cacheSize: 0,
      compileMs: 0,
      wasmBytes: 0,
      heatThreshold: 0,
    };
    totals.translated += stats.translatedInstructions;
    totals.interpreted += stats.interpretedSteps;
    totals.blocksCompiled += stats.blocksCompiled;
    totals.cacheSize += stats.cacheSize;
    totals.compileMs += stats.compileMs;
    totals.wasmBytes += stats.wasmBytes;
    // Older vCPU builds report no threshold: counted as 0, shown as nothing.
    const threshold = stats.heatThreshold ?? 0;
    if (threshold > 0 && (totals.heatThreshold === 0 || threshold < totals.heatThreshold))
      totals.heatThreshold = threshold;
  }
  return totals;
}

function share(part: number, other: number): number {
  return part + other > 0 ? part / (part + other) : 0;
}

/** JIT summary of the latest sample, with the translated share between the two samples. */
export function jitSummary(
  previous: MachineMetrics,
  current: MachineMetrics,
): JitSummary | undefined {
  const now = jitTotals(current);
  if (!now || current.jitMode === 'off') return undefined;
  const before = jitTotals(previous);
  const translated = now.translated - (before?.translated ?? 0);
  const interpreted = now.interpreted - (before?.interpreted ?? 0);
  const recent = translated >= 0 && interpreted >= 0 && translated + interpreted > 0;
  return {
    mode: current.jitMode,
    translatedShare: recent
      ? share(translated, interpreted)
      : share(now.translated, now.interpreted),
    translatedShareTotal: share(now.translated, now.interpreted),
    blocksCompiled: now.blocksCompiled,
    cacheSize: now.cacheSize,
    compileMs: now.compileMs,
    wasmBytes: now.wasmBytes,
    heatThreshold: now.heatThreshold,
  };
}

function hartCounter(metrics: MachineMetrics, hart: number, name: string): number {
  const entry = metrics.harts[hart] as Record<string, unknown> | undefined;
  const value = entry?.[name];
  return typeof value === 'number' ? value : 0;
}

function sumHarts(metrics: MachineMetrics, name: string): number {
  let total = 0;
  for (let h = 0; h < metrics.harts.length; h++) total += hartCounter(metrics, h, name);
  return total;
}

/** Rates between two samples; counters that went backwards (a new machine) count as zero. */
export function computeRates(previous: MetricsSample, current: MetricsSample): LiveRates {
  const seconds = Math.max((current.atMs - previous.atMs) / 1000, 1e-3);
  const rate = (now: number, before: number) => Math.max(0, now - before) / seconds;
  const a = previous.metrics;
  const b = current.metrics;
  const ipsPerHart = b.harts.map((_, h) =>
    rate(hartCounter(b, h, 'instret'), hartCounter(a, h, 'instret')),
  );
  const sum = (values: number[]) => values.reduce((x, y) => x + y, 0);
  const perSum = (name: string) => rate(sumHarts(b, name), sumHarts(a, name));
  return {
    ipsPerHart,
    ips: sum(ipsPerHart),
    exitsPerSec: rate(sum(b.exits.answered), sum(a.exits.answered)),
    mmioReadsPerSec: perSum('mmioRead'),
    mmioWritesPerSec: perSum('mmioWrite'),
    interruptsPerSec: perSum('interrupts'),
    sbiCallsPerSec: perSum('sbi'),
    tlbMissesPerSec: perSum('tlbMiss'),
    plicClaimsPerSec: rate(b.plic.claims, a.plic.claims),
    consoleBytesPerSec: rate(b.console.bytesOut, a.console.bytesOut),
    jit: jitSummary(a, b),
  };
}

/** 12345678 → "12.3 M" — compact enough for a stats tile. */
export function formatRate(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(0);
}

/** Requests a virtqueue completed between two reads of its 16-bit used.idx (it wraps at 65536). */
export function usedIndexDelta(previous: number, current: number): number {
  return (current - previous + 0x10000) % 0x10000;
}
