import { describe, it, expect } from 'vitest';
import { BootTimelineTracker } from './boot-timeline';

describe('BootTimelineTracker', () => {
  it('records kernel, init and shell in order, with markers split across chunks', () => {
    const tracker = new BootTimelineTracker();
    tracker.output('ignored before start', 1);
    expect(tracker.timeline).toEqual({});
    tracker.start(100);
    expect(tracker.output('[    0.000000] Linux version 6.1', 150)).toBe(true);
    tracker.output('...Run /in', 300);
    tracker.output('it as init process\r\n', 310);
    tracker.output('kindling: boot com', 400);
    tracker.output('plete\r\n~ # ', 420);
    expect(tracker.timeline).toEqual({ startMs: 100, kernelMs: 150, initMs: 310, shellMs: 420 });
  });

  it('takes the boot timer as the shell stage when it comes first', () => {
    const tracker = new BootTimelineTracker();
    tracker.start(0);
    tracker.output('x', 10);
    tracker.booted(250_000, 260);
    expect(tracker.timeline.shellMs).toBe(260);
    expect(tracker.timeline.guestBootUs).toBe(250_000);
  });
});
