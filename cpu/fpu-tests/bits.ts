/** Bit-pattern helpers for the FPU tests (numbers <-> IEEE patterns as bigints). */

const view = new DataView(new ArrayBuffer(8));

export function d(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

export function s(x: number): bigint {
  view.setFloat32(0, x);
  return BigInt(view.getUint32(0));
}

export function fromD(bits: bigint): number {
  view.setBigUint64(0, BigInt.asUintN(64, bits));
  return view.getFloat64(0);
}

export function fromS(bits: bigint): number {
  view.setUint32(0, Number(BigInt.asUintN(32, bits)));
  return view.getFloat32(0);
}

export const NX = 1;
export const UF = 2;
export const OF = 4;
export const DZ = 8;
export const NV = 16;

export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;
export const ALL_MODES = [RNE, RTZ, RDN, RUP, RMM] as const;

export const D_QNAN = 0x7ff8000000000000n;
export const D_SNAN = 0x7ff0000000000001n;
export const D_INF = 0x7ff0000000000000n;
export const D_NEG_INF = 0xfff0000000000000n;
export const D_MAX = 0x7fefffffffffffffn;
export const D_MIN_NORMAL = 0x0010000000000000n;
export const D_MIN_SUB = 1n;
export const D_NEG_ZERO = 0x8000000000000000n;
export const S_QNAN = 0x7fc00000n;
export const S_SNAN = 0x7f800001n;
export const S_INF = 0x7f800000n;
export const S_MAX = 0x7f7fffffn;
export const S_NEG_ZERO = 0x80000000n;
