// Assembles a WebAssembly module: types (deduplicated), imports (functions, memory, table),
// defined functions, exports and code. Section order follows the core spec.
import { writeU32 } from './leb128';
import { ByteBuffer } from './byte-buffer';
import { FUNC_TYPE, FUNCREF, type ValType } from './opcodes';
import { FunctionBuilder } from './function-builder';

export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

export interface MemoryImport {
  module: string;
  name: string;
  minPages: number;
  maxPages?: number;
  shared?: boolean;
}

export interface TableImport {
  module: string;
  name: string;
  min: number;
  max?: number;
}

interface Export {
  name: string;
  kind: number;
  index: number;
}

const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const EXTERNAL = { func: 0, table: 1, memory: 2 } as const;
const encoder = new TextEncoder();

export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly funcImports: { module: string; name: string; type: number }[] = [];
  private memory: MemoryImport | undefined;
  private table: TableImport | undefined;
  private readonly funcs: { type: number; body: FunctionBuilder }[] = [];
  private readonly exports: Export[] = [];

  /** Index of `type` in the type section (added once). */
  typeIndex(type: FuncType): number {
    const key = (t: FuncType): string => `${t.params.join(',')}>${t.results.join(',')}`;
    const found = this.types.findIndex((t) => key(t) === key(type));
    if (found >= 0) return found;
    this.types.push(type);
    return this.types.length - 1;
  }

  /** Imports a function; returns its function index. Import all functions before defining any. */
  importFunction(module: string, name: string, type: FuncType): number {
    if (this.funcs.length > 0) throw new Error('function imports must precede definitions');
    this.funcImports.push({ module, name, type: this.typeIndex(type) });
    return this.funcImports.length - 1;
  }

  importMemory(memory: MemoryImport): void {
    if (memory.shared && memory.maxPages === undefined) {
      throw new Error('a shared memory needs a maximum');
    }
    this.memory = memory;
  }

  importTable(table: TableImport): void {
    this.table = table;
  }

  /** Defines a function; fill the returned builder's body. Returns the builder and its index. */
  addFunction(type: FuncType): { body: FunctionBuilder; index: number } {
    const body = new FunctionBuilder(type.params.length);
    this.funcs.push({ type: this.typeIndex(type), body });
    return { body, index: this.funcImports.length + this.funcs.length - 1 };
  }

  exportFunction(name: string, index: number): void {
    this.exports.push({ name, kind: EXTERNAL.func, index });
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out = new ByteBuffer();
    for (const x of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.push(x);
    section(out, SECTION.type, this.types, (b, t) => {
      b.push(FUNC_TYPE);
      vector(b, t.params, (bb, p) => bb.push(p));
      vector(b, t.results, (bb, r) => bb.push(r));
    });
    const imports: ((b: ByteBuffer) => void)[] = [];
    for (const f of this.funcImports) {
      imports.push((b) => {
        name(b, f.module);
        name(b, f.name);
        b.push(EXTERNAL.func);
        writeU32(b, f.type);
      });
    }
    const table = this.table;
    if (table) {
      imports.push((b) => {
        name(b, table.module);
        name(b, table.name);
        b.push(EXTERNAL.table);
        b.push(FUNCREF);
        limits(b, table.min, table.max, false);
      });
    }
    const memory = this.memory;
    if (memory) {
      imports.push((b) => {
        name(b, memory.module);
        name(b, memory.name);
        b.push(EXTERNAL.memory);
        limits(b, memory.minPages, memory.maxPages, memory.shared ?? false);
      });
    }
    section(out, SECTION.import, imports, (b, write) => write(b));
    section(out, SECTION.function, this.funcs, (b, f) => writeU32(b, f.type));
    section(out, SECTION.export, this.exports, (b, e) => {
      name(b, e.name);
      b.push(e.kind);
      writeU32(b, e.index);
    });
    section(out, SECTION.code, this.funcs, (b, f) => {
      const body = f.body.encode();
      writeU32(b, body.length);
      b.append(body);
    });
    return out.toBytes();
  }
}

function section<T>(
  out: ByteBuffer,
  id: number,
  items: readonly T[],
  write: (b: ByteBuffer, item: T) => void,
): void {
  if (items.length === 0) return;
  const body = new ByteBuffer();
  vector(body, items, write);
  out.push(id);
  writeU32(out, body.length);
  out.append(body.toBytes());
}

function vector<T>(
  b: ByteBuffer,
  items: readonly T[],
  write: (b: ByteBuffer, item: T) => void,
): void {
  writeU32(b, items.length);
  for (const item of items) write(b, item);
}

function name(b: ByteBuffer, text: string): void {
  const bytes = encoder.encode(text);
  writeU32(b, bytes.length);
  for (const x of bytes) b.push(x);
}

function limits(b: ByteBuffer, min: number, max: number | undefined, shared: boolean): void {
  if (max === undefined) {
    b.push(0x00);
    writeU32(b, min);
    return;
  }
  b.push(shared ? 0x03 : 0x01);
  writeU32(b, min);
  writeU32(b, max);
}
