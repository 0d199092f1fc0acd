export * from './leb128';
export * from './opcodes';
export * from './function-builder';
export * from './module-builder';
export * from './byte-buffer';
