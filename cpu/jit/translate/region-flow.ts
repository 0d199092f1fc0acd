// Emits a region's blocks in the nesting that region-structure.ts chose, and the branch for
// each jump between them. Every level (the function body, each loop) opens one label per unit.
// Hot paths never dispatch: a jump forward is a `br` to the label just before its target, a
// jump back a `br` to its loop. Entering elsewhere than at a unit's start goes through `next`:
// the function entry (PARAM_ENTRY, a block index) switches to the top-level unit holding it and,
// if that is a loop not headed by it, sets `next` to its layout position; a jump into a loop
// other than at its header does the same. Each loop level, when `next` is set, switches on it
// to its unit holding that position, and clears it (NO_BLOCK) once the target starts a unit.
// A return going back (no loop of its own) sets PARAM_ENTRY and branches to the loop around the
// whole body, which enters again.
import { Op, type FunctionBuilder } from '../wasm-emitter';
import { structureRegion, type RegionStructure, type Unit } from './region-structure';
import { PARAM_ENTRY } from './emit-context';

const NO_BLOCK = -1;
const TOP = -1;

const firstBlock = (unit: Unit): number => ('block' in unit ? unit.block : unit.loop);

export class RegionFlow {
  private readonly structure: RegionStructure;
  /** openBlocks just inside each unit's label, by level and first block. */
  private readonly unitLabels = new Map<string, number>();
  /** openBlocks just inside each loop, by header. */
  private readonly loopLabels = new Map<number, number>();
  /** openBlocks just inside the loop around the whole body, if there is one. */
  private restartLabel = 0;

  constructor(
    private readonly b: FunctionBuilder,
    /** The i32 local holding the layout position to go to inside a loop (else NO_BLOCK). */
    private readonly next: number,
    successors: readonly (readonly number[])[],
    /** Blocks ending with a return (region-structure.ts). */
    returns: ReadonlySet<number>,
  ) {
    this.structure = structureRegion(successors, returns);
  }

  /** Emits every block (`emitBlock(k)` for block k), entered at block PARAM_ENTRY. */
  emit(emitBlock: (block: number) => void): void {
    const b = this.b;
    b.i32Const(NO_BLOCK).localSet(this.next);
    if (this.structure.restart) {
      b.loop();
      this.restartLabel = b.openBlocks;
    }
    this.emitLevel(this.structure.units, TOP, emitBlock);
    if (this.structure.restart) b.end();
  }

  /** The headers of the loops holding block `k`, outermost first. */
  loopsHolding(k: number): readonly number[] {
    return this.structure.loopsOf[k]!;
  }

  /** Whether a jump from block `from` to block `to` goes back (may repeat code). */
  isBackward(from: number, to: number): boolean {
    const { position } = this.structure;
    return position[to]! <= position[from]!;
  }

  /** The branch for a jump from block `from` to block `to`. */
  jump(from: number, to: number): void {
    const b = this.b;
    if (this.isBackward(from, to)) {
      if (this.structure.loopsOf[from]!.includes(to)) {
        b.br(b.openBlocks - this.loopLabels.get(to)!);
      } else {
        b.i32Const(to).localSet(PARAM_ENTRY); // a return: the body starts over at `to`
        b.br(b.openBlocks - this.restartLabel);
      }
      return;
    }
    const outer = this.structure.loopsOf[from]!;
    const inner = this.structure.loopsOf[to]!;
    let common = 0;
    while (common < outer.length && outer[common] === inner[common]) common++;
    const level = common === 0 ? TOP : outer[common - 1]!;
    const first = common < inner.length ? inner[common]! : to;
    // Into a loop, not at its header: its level sends it on.
    if (first !== to) b.i32Const(this.structure.position[to]!).localSet(this.next);
    b.br(b.openBlocks - this.unitLabels.get(`${level}/${first}`)!);
  }

  private emitLevel(units: readonly Unit[], level: number, emitBlock: (k: number) => void): void {
    const b = this.b;
    for (let v = units.length - 1; v >= 0; v--) {
      b.block();
      this.unitLabels.set(`${level}/${firstBlock(units[v]!)}`, b.openBlocks);
    }
    if (level === TOP) this.enter(units);
    else if (units.length > 1) this.dispatch(units, level); // else entered only at its header
    for (const unit of units) {
      b.end();
      if ('block' in unit) {
        emitBlock(unit.block);
        continue;
      }
      b.loop();
      this.loopLabels.set(unit.loop, b.openBlocks);
      this.emitLevel(unit.units, unit.loop, emitBlock);
      b.end();
    }
  }

  private unitLabel(level: number, unit: Unit): number {
    return this.b.openBlocks - this.unitLabels.get(`${level}/${firstBlock(unit)}`)!;
  }

  /** The function entry: a switch on PARAM_ENTRY to its top-level unit, through a stub setting
   * `next` when that unit is a loop it does not head. */
  private enter(units: readonly Unit[]): void {
    const b = this.b;
    const { order } = this.structure;
    const targets = new Array<Unit>(order.length);
    const stubs: { block: number; unit: Unit }[] = [];
    for (const unit of units) {
      for (let p = unit.from; p <= unit.to; p++) {
        targets[order[p]!] = unit;
        if (p !== unit.from) stubs.push({ block: order[p]!, unit });
      }
    }
    for (let s = stubs.length - 1; s >= 0; s--) b.block();
    const stubLabel = new Map(stubs.map((s, i) => [s.block, b.openBlocks - i]));
    b.localGet(PARAM_ENTRY).brTable(
      targets.map((unit, k) => {
        const stub = stubLabel.get(k);
        return stub === undefined ? this.unitLabel(TOP, unit) : b.openBlocks - stub;
      }),
      this.unitLabel(TOP, units[0]!),
    );
    for (const { block, unit } of stubs) {
      b.end();
      b.i32Const(this.structure.position[block]!).localSet(this.next);
      b.br(this.unitLabel(TOP, unit));
    }
  }

  /** If `next` is set: a switch to the unit holding that position, clearing `next` when the
   * unit starts there. */
  private dispatch(units: readonly Unit[], level: number): void {
    const b = this.b;
    const from = units[0]!.from;
    const span = units[units.length - 1]!.to - from + 1;
    const unitAt = new Array<Unit>(span);
    for (const unit of units) for (let p = unit.from; p <= unit.to; p++) unitAt[p - from] = unit;
    const relative = (): void => {
      b.localGet(this.next).i32Const(from).op(Op.i32_sub);
    };
    const toUnits = (): void => {
      b.brTable(
        unitAt.map((unit) => this.unitLabel(level, unit)),
        this.unitLabel(level, units[0]!),
      );
    };
    b.localGet(this.next).i32Const(NO_BLOCK).op(Op.i32_ne).if();
    const passOn = unitAt.map((unit, p) => unit.from !== p + from);
    if (passOn.some(Boolean)) {
      b.block();
      const keep = b.openBlocks;
      b.block();
      const clear = b.openBlocks;
      relative();
      b.brTable(
        passOn.map((p) => b.openBlocks - (p ? keep : clear)),
        b.openBlocks - clear,
      );
      b.end();
      relative();
      b.i32Const(NO_BLOCK).localSet(this.next);
      toUnits();
      b.end();
      relative();
      toUnits();
    } else {
      relative();
      b.i32Const(NO_BLOCK).localSet(this.next);
      toUnits();
    }
    b.end();
  }
}
