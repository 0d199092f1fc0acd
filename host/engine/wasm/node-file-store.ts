/** API paths on the host are files: read, written and opened as block devices from the filesystem. */
import { readFile, writeFile, rename } from 'node:fs/promises';
import type { FileStore } from '../../../workers/common/riscv64/file-store';
import { FileStoreError } from '../../../workers/common/riscv64/file-store';
import { FileBlockBackend } from '../../devices/file-block-backend';

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

export class NodeFileStore implements FileStore {
  async read(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      throw new FileStoreError(`cannot read ${path}: ${describe(error)}`);
    }
  }

  /** Written to a temporary name, then renamed: a crash never leaves half a snapshot behind. */
  async write(path: string, bytes: Uint8Array): Promise<void> {
    const temporary = `${path}.partial`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      throw new FileStoreError(`cannot write ${path}: ${describe(error)}`);
    }
  }

  async openBlock(path: string, readOnly: boolean) {
    try {
      return await FileBlockBackend.open(path, { readOnly });
    } catch (error) {
      throw new FileStoreError(`cannot open drive ${path}: ${describe(error)}`);
    }
  }
}
