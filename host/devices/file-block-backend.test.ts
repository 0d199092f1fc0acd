import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockBackend } from './file-block-backend';

const dir = mkdtempSync(join(tmpdir(), 'kindling-blk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileBlockBackend', () => {
  it('reads and writes at offsets (pwrite) and flushes', async () => {
    const path = join(dir, 'disk.img');
    writeFileSync(path, new Uint8Array(8192).fill(1));
    const disk = await FileBlockBackend.open(path);
    expect(disk.size).toBe(8192);
    await disk.write(1024, new Uint8Array(512).fill(7));
    await disk.flush();
    const back = new Uint8Array(1024);
    await disk.read(512, back);
    expect(back.subarray(0, 512).every((b) => b === 1)).toBe(true);
    expect(back.subarray(512).every((b) => b === 7)).toBe(true);
    await disk.close();
    expect(readFileSync(path)[1024]).toBe(7);
    expect(readFileSync(path).length).toBe(8192);
  });

  it('refuses writes when opened read-only', async () => {
    const path = join(dir, 'ro.img');
    writeFileSync(path, new Uint8Array(4096).fill(3));
    const disk = await FileBlockBackend.open(path, { readOnly: true });
    expect(disk.readOnly).toBe(true);
    await expect(disk.write(0, new Uint8Array(512))).rejects.toThrow(/read-only/);
    const b = new Uint8Array(512);
    await disk.read(3584, b);
    expect(b.every((x) => x === 3)).toBe(true);
    await disk.close();
  });
});
