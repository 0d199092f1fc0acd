// Structured control flow for a region: which blocks sit inside which WASM `loop`. Blocks are
// laid out in reverse postorder from the entry block; an edge to a block at or before its
// source is a back edge, and its target becomes a loop header whose loop spans, in that order,
// up to the last block jumping back to it. Overlapping spans are widened until they nest. A
// loop may then hold a few blocks outside the natural loop: harmless, they only branch forward.
// V8 allocates registers per loop, so each guest loop gets its own header instead of all of them
// meeting at one dispatch `br_table` (every live guest register shuffled at each iteration).
// Returns (a JALR to a call's return point) that go back make no loop: a region holds many small
// functions, and their calls and returns would widen loops over most of it; the function body
// becomes a loop of its own ("restart") that they go through instead.

/** One item of a level: a plain block, or a loop whose first unit is its header block. `from`
 * and `to`: the layout positions it spans. */
export type Unit = { from: number; to: number } & (
  { block: number } | { loop: number; units: Unit[] }
);

export interface RegionStructure {
  /** The top level's units, in layout order. */
  units: Unit[];
  /** Layout position of each block (by block index). */
  position: number[];
  /** The block at each layout position. */
  order: number[];
  /** For each block, the headers of the loops holding it, outermost first. */
  loopsOf: number[][];
  /** Whether a return goes back to a block that is not the header of a loop holding it. */
  restart: boolean;
}

/** `successors[i]`: the blocks (by index) block i may continue at, the one to lay out right
 * after it last. Block 0 is the entry. `returns`: the blocks ending with a return. */
export function structureRegion(
  successors: readonly (readonly number[])[],
  returns: ReadonlySet<number> = new Set(),
): RegionStructure {
  const n = successors.length;
  const order = reversePostorder(successors);
  const position = new Array<number>(n);
  order.forEach((block, p) => (position[block] = p));
  // loopEnd[p]: last position of the loop headed at position p.
  const loopEnd = new Map<number, number>();
  successors.forEach((targets, from) => {
    if (returns.has(from)) return;
    for (const to of targets) {
      const p = position[to]!;
      if (p <= position[from]!) loopEnd.set(p, Math.max(loopEnd.get(p) ?? p, position[from]!));
    }
  });
  nestSpans(loopEnd);
  const loopsOf = Array.from({ length: n }, () => [] as number[]);
  const build = (from: number, to: number, inLoop: boolean): Unit[] => {
    const units: Unit[] = [];
    for (let p = from; p <= to;) {
      const end = loopEnd.get(p);
      if (end === undefined || (inLoop && p === from)) {
        units.push({ block: order[p]!, from: p, to: p });
        p++;
        continue;
      }
      const header = order[p]!;
      for (let q = p; q <= end; q++) loopsOf[order[q]!]!.push(header);
      units.push({ loop: header, units: build(p, end, true), from: p, to: end });
      p = end + 1;
    }
    return units;
  };
  const units = build(0, n - 1, false);
  const restart = [...returns].some((from) =>
    successors[from]!.some(
      (to) => position[to]! <= position[from]! && !loopsOf[from]!.includes(to),
    ),
  );
  return { units, position, order, loopsOf, restart };
}

/** Widens loop spans [p, end] that partly overlap until any two are disjoint or nested. */
function nestSpans(loopEnd: Map<number, number>): void {
  const starts = [...loopEnd.keys()].sort((a, b) => a - b);
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < starts.length; i++) {
      for (let j = i + 1; j < starts.length; j++) {
        const a = starts[i]!;
        const b = starts[j]!;
        const endA = loopEnd.get(a)!;
        const endB = loopEnd.get(b)!;
        if (b <= endA && endB > endA) {
          loopEnd.set(a, endB);
          changed = true;
        }
      }
    }
  }
}

/** Blocks in reverse postorder of a depth-first walk from block 0; unreachable ones last. */
function reversePostorder(successors: readonly (readonly number[])[]): number[] {
  const n = successors.length;
  const seen = new Uint8Array(n);
  const post: number[] = [];
  const walk = (root: number): void => {
    const stack: [number, number][] = [[root, 0]];
    seen[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [block, next] = top;
      const targets = successors[block]!;
      if (next < targets.length) {
        top[1]++;
        const to = targets[next]!;
        if (!seen[to]) {
          seen[to] = 1;
          stack.push([to, 0]);
        }
        continue;
      }
      post.push(block);
      stack.pop();
    }
  };
  const order: number[] = [];
  if (n > 0) walk(0);
  order.push(...post.reverse());
  for (let b = 0; b < n; b++) {
    if (seen[b]) continue;
    post.length = 0;
    walk(b);
    order.push(...post.reverse());
  }
  return order;
}
