import { describe, it, expect } from 'vitest';
import { crc32 } from './crc32';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_MAGIC } from './container';
import { SnapshotError } from './snapshot-error';
import { encodeUtf8 } from './utf8';

const header = { kindlingVersion: '0.1.0', arch: 'riscv64', createdAtMs: 1700000000000 };
const text = (s: string) => new TextEncoder().encode(s);

function sample(): Uint8Array {
  return encodeSnapshot(header, {
    machine: text('{"ram":128}'),
    cpu: text('[{"pc":1}]'),
    devices: text('{"uart":{}}'),
    memory: Uint8Array.from({ length: 40 }, (_, i) => i * 7),
  });
}

/** Builds a container from an arbitrary header table, with correct whole-file checksum. */
function craft(headerJson: unknown, payload: Uint8Array, version = 1): Uint8Array {
  const h = encodeUtf8(JSON.stringify(headerJson));
  const out = new Uint8Array(16 + h.length + payload.length + 4);
  const view = new DataView(out.buffer);
  out.set(SNAPSHOT_MAGIC, 0);
  view.setUint32(8, version, true);
  view.setUint32(12, h.length, true);
  out.set(h, 16);
  out.set(payload, 16 + h.length);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function refusal(bytes: Uint8Array, required?: string[]): string {
  try {
    decodeSnapshot(bytes, required ? { requiredSections: required } : {});
  } catch (e) {
    expect(e).toBeInstanceOf(SnapshotError);
    return (e as Error).message;
  }
  throw new Error('snapshot was accepted');
}

describe('crc32', () => {
  it('matches the standard check value and composes incrementally', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(text('6789'), crc32(text('12345')))).toBe(0xcbf43926);
  });
});

describe('snapshot container', () => {
  it('round-trips header and sections', () => {
    const decoded = decodeSnapshot(sample(), { requiredSections: ['machine', 'cpu', 'devices'] });
    expect(decoded.header).toEqual(header);
    expect([...decoded.sections.keys()]).toEqual(['machine', 'cpu', 'devices', 'memory']);
    expect(new TextDecoder().decode(decoded.sections.get('cpu'))).toBe('[{"pc":1}]');
    expect([...decoded.sections.get('memory')!]).toEqual(
      Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff),
    );
  });

  it('refuses every single flipped byte', () => {
    const good = sample();
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i]! ^= 0x01 << (i % 8);
      expect(() => decodeSnapshot(bad), `byte ${i}`).toThrow(SnapshotError);
    }
  });

  it('refuses every truncation and any appended byte', () => {
    const good = sample();
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeSnapshot(good.subarray(0, n)), `length ${n}`).toThrow(SnapshotError);
    }
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decodeSnapshot(longer)).toThrow(SnapshotError);
  });

  it('explains what is wrong', () => {
    const good = sample();
    const wrongMagic = good.slice();
    wrongMagic[0] = 0x58;
    expect(refusal(wrongMagic)).toMatch(/bad magic/);
    expect(refusal(craft({ ...header, sections: [] }, new Uint8Array(), 2))).toMatch(
      /unsupported snapshot format version 2/,
    );
    expect(refusal(good.subarray(0, 10))).toMatch(/truncated/);
    const flipped = good.slice();
    flipped[good.length - 10]! ^= 0xff;
    expect(refusal(flipped)).toMatch(/checksum mismatch/);
    expect(refusal(good, ['machine', 'vcpus'])).toMatch(/missing the "vcpus" section/);
  });

  it('refuses duplicate, malformed, mis-sized and mis-checksummed sections', () => {
    const a = text('aa');
    const entry = { name: 's', length: 2, crc32: crc32(a) };
    const twice = new Uint8Array(4).fill(0x61);
    expect(refusal(craft({ ...header, sections: [entry, entry] }, twice))).toMatch(
      /duplicate section "s"/,
    );
    expect(refusal(craft({ ...header, sections: [{ ...entry, length: 3 }] }, a))).toMatch(
      /past the end/,
    );
    expect(refusal(craft({ ...header, sections: [entry] }, twice))).toMatch(/unexpected bytes/);
    expect(refusal(craft({ ...header, sections: [{ ...entry, crc32: 1 }] }, a))).toMatch(
      /section "s" checksum/,
    );
    expect(refusal(craft({ ...header, sections: [{ name: '', length: 0, crc32: 0 }] }, a))).toMatch(
      /entry 0 is malformed/,
    );
    expect(refusal(craft({ arch: 'x', sections: [] }, a))).toMatch(/kindlingVersion/);
    expect(refusal(craft([1, 2], a))).toMatch(/not a JSON object/);
  });

  it('refuses a header that is not UTF-8 JSON', () => {
    const bad = craft({ ...header, sections: [] }, new Uint8Array());
    bad[17] = 0xff;
    const view = new DataView(bad.buffer);
    view.setUint32(bad.length - 4, crc32(bad.subarray(0, bad.length - 4)), true);
    expect(refusal(bad)).toMatch(/not valid UTF-8 JSON/);
  });

  it('refuses bad section names when encoding', () => {
    expect(() => encodeSnapshot(header, { 'a b': new Uint8Array() })).toThrow(SnapshotError);
  });
});

describe('crc32 slicing', () => {
  it('matches a bytewise reference on every length and alignment up to 40', () => {
    const reference = (bytes: Uint8Array): number => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return ~c >>> 0;
    };
    const data = Uint8Array.from({ length: 48 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 40; length++) {
        const slice = data.subarray(start, start + length);
        expect(crc32(slice)).toBe(reference(slice));
      }
    }
  });
});
