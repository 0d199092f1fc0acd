import { describe, it, expect } from 'vitest';
import { structureRegion, type Unit } from './region-structure';

/** Units as a nested array: a block is its index, a loop is [header, ...units]. */
const shape = (units: Unit[]): unknown[] =>
  units.map((u) => ('block' in u ? u.block : [u.loop, ...shape(u.units).slice(1)]));

describe('structureRegion', () => {
  it('lays blocks out in reverse postorder with the fall-through after its branch', () => {
    // 0 → {2 taken, 1 fall-through}; 1 → 2; 2: exit.
    const s = structureRegion([[2, 1], [2], []]);
    expect(shape(s.units)).toEqual([0, 1, 2]);
    expect(s.loopsOf).toEqual([[], [], []]);
  });

  it('gives a self loop and a loop over several blocks their own loop', () => {
    // 0 → 1; 1 → {1, 2}; 2 → 3; 3 → {2, 4}; 4: exit.
    const s = structureRegion([[1], [1, 2], [3], [2, 4], []]);
    expect(shape(s.units)).toEqual([0, [1], [2, 3], 4]);
    expect(s.loopsOf[3]).toEqual([2]);
    expect(s.loopsOf[4]).toEqual([]);
  });

  it('nests an inner loop inside an outer one', () => {
    // 0 outer header → 1; 1 inner header → 2; 2 → {1, 3}; 3 → {0, 4}; 4: exit.
    const s = structureRegion([[1], [2], [1, 3], [0, 4], []]);
    expect(shape(s.units)).toEqual([[0, [1, 2], 3], 4]);
    expect(s.loopsOf[2]).toEqual([0, 1]);
    expect(s.loopsOf[3]).toEqual([0]);
  });

  it('widens loops that overlap until they nest', () => {
    // Order 0 1 2 3: 2 → 0 makes [0, 2]; 3 → 1 makes [1, 3], which overlaps: [0, 3] holds it.
    const s = structureRegion([[1], [2], [0, 3], [1]]);
    expect(shape(s.units)).toEqual([[0, [1, 2, 3]]]);
    expect(s.loopsOf[3]).toEqual([0, 1]);
  });

  it('makes the condition of a rotated loop its header, its body right after it', () => {
    // 0 jumps to the test at 2; 2 → {3 exit, 1 body}; 1 → 2. The last successor is laid out
    // right after its block.
    const s = structureRegion([[2], [2], [3, 1], []]);
    expect(shape(s.units)).toEqual([0, [2, 1], 3]);
    expect(s.position[2]).toBeLessThan(s.position[1]!);
  });

  it('makes no loop of a return going back, and asks for a restart loop instead', () => {
    // 0 calls 2 (its return point is 1); 2 → 3; 3 returns to 1, which is laid out first.
    // 1 → 2 again (a second call): the return from 3 goes back to 1.
    const returns = new Set([3]);
    const s = structureRegion([[1], [2], [3], [1]], returns);
    expect(s.restart).toBe(true);
    expect(s.loopsOf).toEqual([[], [], [], []]);
    expect(structureRegion([[1], [2], [3], [1]]).restart).toBe(false); // a plain jump: a loop
    // A return to the header of a loop holding it needs no restart: 4 jumps back to 1.
    const inLoop = structureRegion([[1], [2], [4, 3], [1], [1]], returns);
    expect(shape(inLoop.units)).toEqual([0, [1, 2, 3, 4]]);
    expect(inLoop.restart).toBe(false);
  });

  it('places blocks the entry cannot reach after the others', () => {
    const s = structureRegion([[], [1]]);
    expect(shape(s.units)).toEqual([0, [1]]);
  });
});
