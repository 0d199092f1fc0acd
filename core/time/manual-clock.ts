import type { CancelScheduled, Clock, Scheduler } from './clock';

interface PendingCallback {
  readonly dueMs: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A clock and scheduler that only move when told to: `advance(ms)` runs every callback that falls
 * due, in time order. Used by tests and by anything that replays time (snapshot restore, benches).
 */
export class ManualClock implements Clock, Scheduler {
  private now: number;
  private pending: PendingCallback[] = [];
  private nextOrder = 0;

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  schedule(delayMs: number, callback: () => void): CancelScheduled {
    const entry: PendingCallback = {
      dueMs: this.now + Math.max(0, delayMs),
      order: this.nextOrder++,
      callback,
    };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /** Number of callbacks still waiting. */
  pendingCount(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, running due callbacks at their own due time. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.now = next.dueMs;
      next.callback();
    }
    this.now = target;
  }

  private earliestDue(limitMs: number): PendingCallback | undefined {
    let best: PendingCallback | undefined;
    for (const p of this.pending) {
      if (p.dueMs > limitMs) continue;
      if (!best || p.dueMs < best.dueMs || (p.dueMs === best.dueMs && p.order < best.order)) {
        best = p;
      }
    }
    return best;
  }
}
