/**
 * The boot timeline a learner sees: InstanceStart → kernel (first console byte) → init (the kernel
 * prints "Run /init as init process") → shell (the guest's boot timer / "kindling: boot complete").
 * Fed with console text in arbitrary chunks; markers split across chunks are still found.
 */
export interface BootTimeline {
  /** Milliseconds since the page loaded (performance.now()) when each stage was reached. */
  startMs?: number;
  kernelMs?: number;
  initMs?: number;
  shellMs?: number;
  /** The guest's own boot-timer figure (µs since InstanceStart), when it reported one. */
  guestBootUs?: number;
}

const INIT_MARKER = 'Run /init';
const SHELL_MARKER = 'kindling: boot complete';

export class BootTimelineTracker {
  timeline: BootTimeline = {};
  private tail = '';

  start(nowMs: number): void {
    this.timeline = { startMs: nowMs };
    this.tail = '';
  }

  /** Returns true when a stage was reached by this chunk. */
  output(text: string, nowMs: number): boolean {
    const t = this.timeline;
    if (t.startMs === undefined || t.shellMs !== undefined) return false;
    let changed = false;
    if (t.kernelMs === undefined && text.length > 0) {
      t.kernelMs = nowMs;
      changed = true;
    }
    const window = this.tail + text;
    this.tail = window.slice(-SHELL_MARKER.length);
    if (t.initMs === undefined && window.includes(INIT_MARKER)) {
      t.initMs = nowMs;
      changed = true;
    }
    if (window.includes(SHELL_MARKER)) {
      t.initMs ??= nowMs;
      t.shellMs = nowMs;
      changed = true;
    }
    return changed;
  }

  /** The boot timer fired: userspace is up. */
  booted(guestBootUs: number, nowMs: number): void {
    this.timeline.guestBootUs = guestBootUs;
    this.timeline.shellMs ??= nowMs;
  }
}
