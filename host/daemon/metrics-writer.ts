/**
 * Where metrics lines go: a file (`--metrics-path`, `PUT /metrics`; Firecracker expects a named
 * pipe or file), one JSON object per line, every 60 s and on `FlushMetrics`. Appends never throw.
 */
import { appendFileSync } from 'node:fs';

export const METRICS_PERIOD_MS = 60_000;

export class MetricsWriter {
  private path: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  linesWritten = 0;

  constructor(
    private readonly compose: () => string,
    private readonly onError: (message: string) => void,
    private readonly periodMs = METRICS_PERIOD_MS,
  ) {}

  get destination(): string | undefined {
    return this.path;
  }

  /** Starts writing to `path`: a line now, then one every period. */
  setPath(path: string): void {
    this.path = path;
    this.flush();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.flush(), this.periodMs);
    this.timer.unref();
  }

  /** Writes one line now; a no-op without a destination. */
  flush(): void {
    if (this.path === undefined) return;
    try {
      appendFileSync(this.path, `${this.compose()}\n`);
      this.linesWritten++;
    } catch (error) {
      this.onError(`cannot write metrics to ${this.path}: ${(error as Error).message}`);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
