import { describe, expect, it } from 'vitest';
import { BrowserFileStore } from './browser-file-store';
import { FileStoreError } from '../common/riscv64/file-store';

describe('BrowserFileStore', () => {
  it('reads back what was put and lists sizes', async () => {
    const store = new BrowserFileStore();
    store.put('kernel', new Uint8Array([1, 2, 3]));
    await store.write('snap/state', new Uint8Array(10));
    expect([...(await store.read('kernel'))]).toEqual([1, 2, 3]);
    expect(store.list()).toEqual([
      { path: 'kernel', size: 3 },
      { path: 'snap/state', size: 10 },
    ]);
    expect(store.delete('kernel')).toBe(true);
    expect(store.has('kernel')).toBe(false);
  });

  it('rejects unknown paths with a FileStoreError naming the path', async () => {
    const store = new BrowserFileStore();
    await expect(store.read('nope')).rejects.toThrow(FileStoreError);
    await expect(store.read('nope')).rejects.toThrow('nope');
    await expect(store.openBlock('disk', false)).rejects.toThrow('cannot open drive disk');
    expect(() => store.put('', new Uint8Array(1))).toThrow(FileStoreError);
    expect(() => store.put('x', new ArrayBuffer(4) as unknown as Uint8Array)).toThrow('Uint8Array');
  });

  it('a block device writes into the stored bytes, so the disk can be read back', async () => {
    const store = new BrowserFileStore();
    store.put('disk.ext4', new Uint8Array(4096));
    const block = await store.openBlock('disk.ext4', false);
    expect(block.size).toBe(4096);
    block.write(512, new Uint8Array(512).fill(0xab));
    const disk = await store.read('disk.ext4');
    expect(disk[512]).toBe(0xab);
    expect(disk[1023]).toBe(0xab);
    expect(disk[1024]).toBe(0);
  });

  it('a read-only drive refuses writes', async () => {
    const store = new BrowserFileStore();
    store.put('ro', new Uint8Array(1024));
    const block = await store.openBlock('ro', true);
    expect(block.readOnly).toBe(true);
    expect(() => block.write(0, new Uint8Array(512))).toThrow();
  });
});
