/**
 * Counter types with Firecracker's flush semantics:
 * - `IncMetric` (Firecracker's SharedIncMetric) keeps a running total but each flush reports only
 *   what was added since the previous flush;
 * - `StoreMetric` (SharedStoreMetric) reports its current value at every flush, unchanged.
 */
export class IncMetric {
  private total = 0;
  private flushed = 0;

  inc(by = 1): void {
    this.total += by;
  }

  /** Running total since creation (never reset by a flush). */
  count(): number {
    return this.total;
  }

  /** The delta since the previous flush; marks it as flushed. */
  flush(): number {
    const delta = this.total - this.flushed;
    this.flushed = this.total;
    return delta;
  }

  /** The delta a flush would report, without flushing. */
  pending(): number {
    return this.total - this.flushed;
  }
}

export class StoreMetric {
  private current = 0;

  set(value: number): void {
    this.current = value;
  }

  value(): number {
    return this.current;
  }
}

/** A device's counters: named metrics, possibly nested one level or more. */
export interface MetricGroup {
  readonly [name: string]: IncMetric | StoreMetric | MetricGroup;
}

/** JSON shape of a flushed group. */
export interface MetricValues {
  [name: string]: number | MetricValues;
}

/** Flushes (or only reads, when `consume` is false) every metric in a group. */
export function readGroup(group: MetricGroup, consume: boolean): MetricValues {
  const values: MetricValues = {};
  for (const [name, metric] of Object.entries(group)) {
    if (metric instanceof IncMetric) values[name] = consume ? metric.flush() : metric.pending();
    else if (metric instanceof StoreMetric) values[name] = metric.value();
    else values[name] = readGroup(metric, consume);
  }
  return values;
}
