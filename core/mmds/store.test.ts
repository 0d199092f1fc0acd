import { describe, it, expect } from 'vitest';
import { isValidMmdsAddress } from './config';
import { applyMergePatch, type JsonValue } from './json';
import { MmdsStore } from './store';

describe('applyMergePatch (RFC 7396 appendix A)', () => {
  const cases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)('%j + %j', (target, patch, expected) => {
    const before = JSON.stringify(target);
    expect(applyMergePatch(target, patch)).toEqual(expected);
    expect(JSON.stringify(target)).toBe(before);
  });
});

describe('MmdsStore', () => {
  it('PUT replaces, PATCH merges, GET returns', () => {
    const store = new MmdsStore();
    expect(store.value()).toEqual({});
    expect(store.patch({ a: 1 })).toEqual({
      ok: false,
      error: 'The MMDS data store is not initialized.',
    });
    expect(store.put({ latest: { 'meta-data': { 'ami-id': 'ami-1' } }, x: 1 }).ok).toBe(true);
    expect(store.put({ latest: { 'meta-data': { 'ami-id': 'ami-2', a: { b: 'c' } } } }).ok).toBe(
      true,
    );
    expect(store.patch({ latest: { 'meta-data': { 'ami-id': null, n: 5 } } }).ok).toBe(true);
    expect(store.value()).toEqual({ latest: { 'meta-data': { a: { b: 'c' }, n: 5 } } });
    expect(store.lookup('/latest/meta-data/a/b')).toBe('c');
    expect(store.lookup('')).toEqual(store.value());
    expect(store.lookup('/latest/nope')).toBeUndefined();
    expect(store.lookup('/latest/meta-data/n/deeper')).toBeUndefined();
    expect(store.lookup('/__proto__')).toBeUndefined();
  });

  it('refuses updates past the size limit and keeps the old data', () => {
    const store = new MmdsStore(20);
    expect(store.put({ k: '0123456789' }).ok).toBe(true); // 16 bytes
    expect(store.put({ k: '0123456789abcdef' })).toEqual({
      ok: false,
      error: "The MMDS patch request doesn't fit.",
    });
    expect(store.patch({ k2: 'xxxxxxxxx' }).ok).toBe(false);
    expect(store.value()).toEqual({ k: '0123456789' });
    // The limit counts UTF-8 bytes, not UTF-16 units.
    expect(new MmdsStore(10).put({ k: 'ééé' }).ok).toBe(false);
  });

  it('looks up arrays by index and unescapes pointer tokens', () => {
    const store = new MmdsStore();
    store.put({ list: ['a', 'b'], 'x/y': { '~': 't' } });
    expect(store.lookup('/list/1')).toBe('b');
    expect(store.lookup('/list/01')).toBeUndefined();
    expect(store.lookup('/x~1y/~0')).toBe('t');
  });

  it('validates link-local MMDS addresses like Firecracker', () => {
    expect(isValidMmdsAddress('169.254.169.254')).toBe(true);
    expect(isValidMmdsAddress('169.254.1.0')).toBe(true);
    expect(isValidMmdsAddress('169.254.0.1')).toBe(false);
    expect(isValidMmdsAddress('169.254.255.1')).toBe(false);
    expect(isValidMmdsAddress('169.254.1.256')).toBe(false);
    expect(isValidMmdsAddress('169.254.01.1')).toBe(false);
    expect(isValidMmdsAddress('10.0.0.1')).toBe(false);
  });
});
