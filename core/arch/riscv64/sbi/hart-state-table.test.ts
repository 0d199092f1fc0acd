import { describe, it, expect } from 'vitest';
import { HartStateTable } from './hart-state-table';
import { HsmState } from './sbi-constants';

describe('HartStateTable', () => {
  it('starts with the boot hart STARTED and the others STOPPED', () => {
    const table = HartStateTable.create(3, 1);
    expect([0, 1, 2].map((h) => table.status(h))).toEqual([
      HsmState.STOPPED,
      HsmState.STARTED,
      HsmState.STOPPED,
    ]);
  });

  it('lets exactly one start request win, over shared memory seen by two views', () => {
    const shared = new Int32Array(new SharedArrayBuffer(4 * 2));
    const a = new HartStateTable(shared, 2);
    const b = new HartStateTable(new Int32Array(shared.buffer), 2);
    a.reset(0);
    expect(b.tryStart(1)).toBe(true);
    expect(a.tryStart(1)).toBe(false);
    expect(a.status(1)).toBe(HsmState.START_PENDING);
    b.markStarted(1);
    expect(a.status(1)).toBe(HsmState.STARTED);
    a.markSuspended(1, true);
    expect(b.status(1)).toBe(HsmState.SUSPENDED);
    a.markStopped(1);
    expect(b.tryStart(1)).toBe(true);
    expect(() => new HartStateTable(new Int32Array(1), 2)).toThrow(RangeError);
  });
});
