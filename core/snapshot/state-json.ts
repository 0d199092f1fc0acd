import { SnapshotError } from './snapshot-error';
import { decodeUtf8, encodeUtf8 } from './utf8';

/**
 * JSON for device and CPU state, extended with the two types state objects need and JSON lacks:
 * `bigint` (64-bit registers) as `{"$bigint":"-123"}` and `Uint8Array` as `{"$bytes":"0a1b"}`.
 * (A plain object that itself has exactly one key `$bigint` or `$bytes` cannot be stored.)
 */
export function encodeState(value: unknown): Uint8Array {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return { $bigint: v.toString() };
      if (v instanceof Uint8Array) return { $bytes: toHex(v) };
      return v;
    });
    if (text === undefined) throw new SnapshotError('state is not serialisable');
    return encodeUtf8(text);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`state is not serialisable: ${(e as Error).message}`);
  }
}

export function decodeState(bytes: Uint8Array): unknown {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new SnapshotError('state is not valid UTF-8');
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const keys = Object.keys(v);
      if (keys.length !== 1) return v;
      const record = v as Record<string, unknown>;
      if (keys[0] === '$bigint') return parseBigint(record['$bigint']);
      if (keys[0] === '$bytes') return fromHex(record['$bytes']);
      return v;
    });
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`state is not valid JSON: ${(e as Error).message}`);
  }
}

function parseBigint(v: unknown): bigint {
  if (typeof v !== 'string' || !/^-?\d{1,40}$/.test(v))
    throw new SnapshotError('malformed $bigint value');
  return BigInt(v);
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function fromHex(v: unknown): Uint8Array {
  if (typeof v !== 'string' || v.length % 2 !== 0 || !/^[0-9a-f]*$/.test(v)) {
    throw new SnapshotError('malformed $bytes value');
  }
  const out = new Uint8Array(v.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(v.slice(2 * i, 2 * i + 2), 16);
  return out;
}
