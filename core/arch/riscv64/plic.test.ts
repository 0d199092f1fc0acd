import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Plic, type HartInterruptSink } from './plic';
import { PlicStateError } from './plic-state';

/** Records the sink calls and the current level of each (hart, mode) output. */
class RecordingSink implements HartInterruptSink {
  readonly calls: string[] = [];
  readonly levels = new Map<string, boolean>();
  setExternalInterrupt(hart: number, mode: 'M' | 'S', asserted: boolean): void {
    this.calls.push(`${hart}${mode}=${asserted ? 1 : 0}`);
    this.levels.set(`${hart}${mode}`, asserted);
  }
  level(hart: number, mode: 'M' | 'S'): boolean {
    return this.levels.get(`${hart}${mode}`) ?? false;
  }
}

function rd(plic: Plic, offset: number): number {
  const data = new Uint8Array(4);
  plic.read(offset, data);
  return new DataView(data.buffer).getUint32(0, true);
}
function wr(plic: Plic, offset: number, value: number): void {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, value >>> 0, true);
  plic.write(offset, data);
}
const priority = (id: number): number => 4 * id;
const enable = (ctx: number): number => 0x2000 + 0x80 * ctx;
const threshold = (ctx: number): number => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number): number => 0x20_0004 + 0x1000 * ctx;

function setup(harts = 2): { plic: Plic; sink: RecordingSink } {
  const sink = new RecordingSink();
  return { plic: new Plic({ harts, sink }), sink };
}

describe('Plic', () => {
  it('raises S-external on hart 0 for an enabled source above threshold', () => {
    const { plic, sink } = setup();
    plic.line(10).setLevel(true);
    expect(rd(plic, 0x1000)).toBe(1 << 10);
    expect(sink.calls).toEqual([]); // priority 0 and not enabled: nothing to take
    wr(plic, priority(10), 1);
    wr(plic, enable(1), 1 << 10);
    expect(sink.calls).toEqual(['0S=1']);
    expect(sink.level(0, 'M')).toBe(false);
  });

  it('claim clears pending and the output; complete re-arms a line that is still high', () => {
    const { plic, sink } = setup();
    wr(plic, priority(3), 2);
    wr(plic, enable(1), 1 << 3);
    plic.line(3).setLevel(true);
    expect(sink.level(0, 'S')).toBe(true);
    expect(rd(plic, claim(1))).toBe(3);
    expect(sink.level(0, 'S')).toBe(false);
    expect(rd(plic, 0x1000)).toBe(0);
    expect(rd(plic, claim(1))).toBe(0); // claimed: not pending until completed
    wr(plic, claim(1), 3);
    expect(sink.level(0, 'S')).toBe(true);
    expect(rd(plic, claim(1))).toBe(3);
    plic.line(3).setLevel(false);
    wr(plic, claim(1), 3);
    expect(sink.level(0, 'S')).toBe(false);
    expect(rd(plic, claim(1))).toBe(0);
    expect(plic.metrics).toMatchObject({ claims: 4, emptyClaims: 2, completes: 2 });
  });

  it('a line dropped before its claim leaves nothing pending', () => {
    const { plic, sink } = setup();
    wr(plic, priority(5), 1);
    wr(plic, enable(1), 1 << 5);
    plic.line(5).setLevel(true);
    plic.line(5).setLevel(false);
    expect(sink.calls).toEqual(['0S=1', '0S=0']);
    expect(rd(plic, claim(1))).toBe(0);
  });

  it('picks the highest priority, lowest id on ties, and masks at or below threshold', () => {
    const { plic } = setup();
    for (const [id, prio] of [
      [4, 2],
      [6, 5],
      [7, 5],
      [9, 1],
    ] as const) {
      wr(plic, priority(id), prio);
      plic.line(id).setLevel(true);
    }
    wr(plic, enable(1), (1 << 4) | (1 << 6) | (1 << 7) | (1 << 9));
    wr(plic, threshold(1), 1);
    expect(rd(plic, claim(1))).toBe(6);
    expect(rd(plic, claim(1))).toBe(7);
    expect(rd(plic, claim(1))).toBe(4);
    expect(rd(plic, claim(1))).toBe(0); // source 9 has priority 1 = threshold
    wr(plic, threshold(1), 0);
    expect(rd(plic, claim(1))).toBe(9);
  });

  it('keeps contexts separate: context 2h is hart h M-mode, 2h+1 S-mode', () => {
    const { plic, sink } = setup(2);
    wr(plic, priority(1), 1);
    wr(plic, enable(2), 1 << 1);
    wr(plic, enable(3), 1 << 1);
    plic.line(1).setLevel(true);
    expect(sink.level(1, 'M')).toBe(true);
    expect(sink.level(1, 'S')).toBe(true);
    expect(sink.level(0, 'S')).toBe(false);
    expect(rd(plic, claim(3))).toBe(1);
    expect(sink.level(1, 'M')).toBe(false); // claimed for everyone
    wr(plic, 0x20_0004 + 0x1000 * 1, 1); // completion from a context where it is not enabled
    expect(rd(plic, claim(2))).toBe(0);
    wr(plic, claim(3), 1);
    expect(rd(plic, claim(2))).toBe(1);
  });

  it('hardwires source 0, limits priority and threshold to 3 bits, and ignores odd accesses', () => {
    const { plic } = setup();
    wr(plic, priority(0), 7);
    expect(rd(plic, priority(0))).toBe(0);
    wr(plic, priority(2), 0xffff_ffff);
    expect(rd(plic, priority(2))).toBe(7);
    wr(plic, enable(0), 0xffff_ffff);
    expect(rd(plic, enable(0))).toBe(0xffff_fffe);
    wr(plic, threshold(0), 0x1f);
    expect(rd(plic, threshold(0))).toBe(7);
    wr(plic, 0x1000, 0xffff_ffff);
    expect(rd(plic, 0x1000)).toBe(0);
    expect(rd(plic, priority(32))).toBe(0); // beyond 31 sources
    expect(rd(plic, enable(4))).toBe(0); // beyond 2 harts
    const wide = new Uint8Array(8).fill(0xff);
    plic.read(priority(2), wide);
    expect(Array.from(wide)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    plic.write(priority(2) + 1, new Uint8Array(4));
    expect(rd(plic, priority(2))).toBe(7);
    expect(plic.metrics.ignoredAccesses).toBe(5);
    expect(() => plic.line(0)).toThrow(RangeError);
    expect(() => plic.line(32)).toThrow(RangeError);
  });

  it('snapshots and restores, re-announcing outputs', () => {
    const { plic } = setup();
    wr(plic, priority(2), 3);
    wr(plic, priority(8), 1);
    wr(plic, enable(1), (1 << 2) | (1 << 8));
    plic.line(2).setLevel(true);
    plic.line(8).setLevel(true);
    expect(rd(plic, claim(1))).toBe(2);
    const state = JSON.parse(JSON.stringify(plic.saveState()));
    const sink = new RecordingSink();
    const copy = new Plic({ harts: 2, sink });
    copy.restoreState(state);
    expect(sink.level(0, 'S')).toBe(true);
    expect(sink.calls).toHaveLength(4);
    expect(rd(copy, claim(1))).toBe(8);
    wr(copy, claim(1), 2); // completing the claim taken before the snapshot
    expect(rd(copy, claim(1))).toBe(2);
    expect(() => new Plic({ harts: 1, sink }).restoreState(state)).toThrow(PlicStateError);
    expect(() => copy.restoreState({ ...state, priorities: [0, -1] })).toThrow(PlicStateError);
  });

  it('its output always equals "a claim would return something", whatever the guest does', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('line'),
        id: fc.integer({ min: 1, max: 31 }),
        on: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('write'),
        offset: fc.oneof(
          fc.integer({ min: 0, max: 40 }).map((i) => i * 4),
          fc.integer({ min: 0, max: 4 }).map(enable),
          fc.integer({ min: 0, max: 4 }).map(threshold),
          fc.integer({ min: 0, max: 4 }).map(claim),
          fc.integer({ min: 0, max: 0x5f_ffff }),
        ),
        value: fc.nat(),
      }),
      fc.record({ kind: fc.constant('claim'), ctx: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { plic, sink } = setup(2);
        for (const o of ops) {
          if (o.kind === 'line') plic.line(o.id).setLevel(o.on);
          else if (o.kind === 'write') wr(plic, o.offset, o.value);
          else rd(plic, claim(o.ctx));
        }
        for (let ctx = 0; ctx < 4; ctx++) {
          const probe = new Plic({ harts: 2, sink: new RecordingSink() });
          probe.restoreState(plic.saveState());
          const claimed = rd(probe, claim(ctx));
          expect(sink.level(ctx >> 1, ctx % 2 ? 'S' : 'M')).toBe(claimed !== 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
