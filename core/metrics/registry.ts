import { IncMetric, readGroup, type MetricGroup, type MetricValues } from './metric';

/** One flushed metrics line, as Firecracker writes them (one JSON object per line). */
export interface MetricsLine {
  utc_timestamp_ms: number;
  [group: string]: number | MetricValues;
}

/**
 * Where devices register their counter groups under Firecracker-like names (`uart`,
 * `block_<id>`, `net_<id>`, `vsock`, `balloon`, `vmm`, `api_server`, `latencies_us`, ...).
 * The machine owns one registry; `flush()` produces the next line for the metrics file/pipe or
 * the UI, reporting increments since the previous flush.
 */
export class MetricsRegistry {
  private readonly groups = new Map<string, MetricGroup>();

  /** Registers `group` under `name`; refuses to replace a different group already there. */
  register(name: string, group: MetricGroup): void {
    if (name === 'utc_timestamp_ms')
      throw new Error('metrics group name "utc_timestamp_ms" is reserved');
    const existing = this.groups.get(name);
    if (existing && existing !== group)
      throw new Error(`metrics group "${name}" is already registered`);
    this.groups.set(name, group);
  }

  unregister(name: string): void {
    this.groups.delete(name);
  }

  names(): string[] {
    return [...this.groups.keys()];
  }

  /** The next metrics line: deltas since the previous flush for incrementing counters. */
  flush(utcTimestampMs: number): MetricsLine {
    return this.collect(utcTimestampMs, true);
  }

  /** The same shape as `flush` without resetting anything (for a live UI view). */
  peek(utcTimestampMs: number): MetricsLine {
    return this.collect(utcTimestampMs, false);
  }

  /** `flush()` serialised as one JSON line (newline-terminated). */
  flushJsonLine(utcTimestampMs: number): string {
    return `${JSON.stringify(this.flush(utcTimestampMs))}\n`;
  }

  private collect(utcTimestampMs: number, consume: boolean): MetricsLine {
    const line: MetricsLine = { utc_timestamp_ms: utcTimestampMs };
    for (const [name, group] of this.groups) line[name] = readGroup(group, consume);
    return line;
  }
}

/** Creates a group of incrementing counters with the given names. */
export function incMetrics<const K extends string>(...names: K[]): Record<K, IncMetric> {
  const group = {} as Record<K, IncMetric>;
  for (const name of names) group[name] = new IncMetric();
  return group;
}
