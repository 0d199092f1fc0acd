// Builds one function body: local declarations plus an instruction stream. Structured control
// flow is tracked so an unbalanced body is reported here rather than by the WASM compiler.
import { writeS32, writeS64, writeU32 } from './leb128';
import { ByteBuffer } from './byte-buffer';
import {
  ATOMIC_FENCE,
  ATOMIC_PREFIX,
  EMPTY_BLOCK,
  Op,
  type BlockType,
  type MemOp,
  type ValType,
} from './opcodes';

export class FunctionBuilder {
  private readonly code = new ByteBuffer();
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  /** `paramCount` parameters occupy local indices 0..paramCount-1. */
  constructor(private readonly paramCount: number) {}

  /** Declares a new local and returns its index. */
  addLocal(type: ValType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  /** Emits raw single-byte opcodes from `Op`. */
  op(...codes: number[]): this {
    for (const c of codes) this.code.push(c);
    return this;
  }

  i32Const(v: number): this {
    this.code.push(0x41);
    writeS32(this.code, v | 0);
    return this;
  }

  i64Const(v: bigint): this {
    this.code.push(0x42);
    writeS64(this.code, v);
    return this;
  }

  localGet(i: number): this {
    return this.withIndex(0x20, i);
  }
  localSet(i: number): this {
    return this.withIndex(0x21, i);
  }
  localTee(i: number): this {
    return this.withIndex(0x22, i);
  }
  call(funcIndex: number): this {
    return this.withIndex(0x10, funcIndex);
  }

  callIndirect(typeIndex: number, tableIndex = 0): this {
    this.code.push(0x11);
    writeU32(this.code, typeIndex);
    writeU32(this.code, tableIndex);
    return this;
  }

  /** Tail calls (return_call, return_call_indirect: WebAssembly's tail-call feature): the
   * caller's frame is gone before the callee runs, so chains of such calls use no stack. */
  returnCall(funcIndex: number): this {
    return this.withIndex(0x12, funcIndex);
  }
  returnCallIndirect(typeIndex: number, tableIndex = 0): this {
    this.code.push(0x13);
    writeU32(this.code, typeIndex);
    writeU32(this.code, tableIndex);
    return this;
  }

  /** Load or store with a byte `offset` (0..2^32-1) and alignment hint (≤ natural). */
  mem(op: MemOp, offset = 0, align = op.align): this {
    if (align > op.align) throw new RangeError('alignment above natural alignment');
    this.code.push(op.code);
    writeU32(this.code, align);
    writeU32(this.code, offset);
    return this;
  }

  atomic(op: MemOp, offset = 0): this {
    this.code.push(ATOMIC_PREFIX);
    writeU32(this.code, op.code);
    writeU32(this.code, op.align);
    writeU32(this.code, offset);
    return this;
  }

  atomicFence(): this {
    this.code.push(ATOMIC_PREFIX);
    this.code.push(ATOMIC_FENCE);
    this.code.push(0);
    return this;
  }

  block(type: BlockType = 'void'): this {
    return this.open(0x02, type);
  }
  loop(type: BlockType = 'void'): this {
    return this.open(0x03, type);
  }
  if(type: BlockType = 'void'): this {
    return this.open(0x04, type);
  }
  else(): this {
    if (this.depth === 0) throw new Error('else outside if');
    this.code.push(Op.else);
    return this;
  }
  end(): this {
    if (this.depth === 0) throw new Error('end without an open block');
    this.depth--;
    this.code.push(Op.end);
    return this;
  }

  br(label: number): this {
    return this.withIndex(0x0c, label);
  }
  brIf(label: number): this {
    return this.withIndex(0x0d, label);
  }
  brTable(labels: readonly number[], defaultLabel: number): this {
    this.code.push(0x0e);
    writeU32(this.code, labels.length);
    for (const l of labels) writeU32(this.code, l);
    writeU32(this.code, defaultLabel);
    return this;
  }

  /** Number of structured blocks currently open (labels usable by br). */
  get openBlocks(): number {
    return this.depth;
  }

  /** The encoded body (locals vector + code + final end), as stored in the code section. */
  encode(): Uint8Array<ArrayBuffer> {
    if (this.depth !== 0) throw new Error(`${this.depth} block(s) left open`);
    const body = new ByteBuffer();
    // Run-length encode consecutive locals of the same type.
    const groups: { count: number; type: ValType }[] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last.type === t) last.count++;
      else groups.push({ count: 1, type: t });
    }
    writeU32(body, groups.length);
    for (const g of groups) {
      writeU32(body, g.count);
      body.push(g.type);
    }
    body.append(this.code.toBytes());
    body.push(Op.end);
    return body.toBytes();
  }

  private open(code: number, type: BlockType): this {
    this.code.push(code);
    this.code.push(type === 'void' ? EMPTY_BLOCK : type);
    this.depth++;
    return this;
  }

  private withIndex(code: number, index: number): this {
    this.code.push(code);
    writeU32(this.code, index);
    return this;
  }
}
