/** Summary of repeated measurements: the report shows min / median / max, never a lone mean. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/**
 * How we compare to the peer, as "× as good": > 1 means Kindling is better whichever way the metric
 * points (throughput: ours/peer; time: peer/ours). Undefined without a peer.
 */
export function advantage(
  ours: readonly number[],
  peer: readonly number[] | undefined,
  higherIsBetter: boolean,
): number | undefined {
  if (!peer || peer.length === 0) return undefined;
  const a = summarize(ours).median;
  const b = summarize(peer).median;
  if (!(a > 0) || !(b > 0)) return undefined;
  return higherIsBetter ? a / b : b / a;
}

/** Compact human formatting with 3 significant digits. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}
