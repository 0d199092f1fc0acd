/**
 * TextEncoder / TextDecoder (WHATWG Encoding), for the projects that see neither the DOM lib nor
 * @types/node (core/, cpu/): every runtime Kindling targets has them. Same shapes as lib.dom's.
 */
declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  readonly fatal: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
