import { utf8Length } from '../snapshot/utf8';
import { applyMergePatch, type JsonValue } from './json';

/** Firecracker's default MMDS size limit (its API payload limit, `--mmds-size-limit`). */
export const DEFAULT_MMDS_SIZE_LIMIT = 51200;

export type MmdsResult = { ok: true } | { ok: false; error: string };

/**
 * The MMDS data store: a JSON document the host sets through the API (`PUT /mmds` replaces,
 * `PATCH /mmds` merge-patches) and the guest reads over the metadata address (see `imds.ts`).
 * The serialised size is capped; an update that would exceed it is refused whole.
 */
export class MmdsStore {
  private data: JsonValue | undefined;

  constructor(readonly sizeLimit = DEFAULT_MMDS_SIZE_LIMIT) {}

  isInitialized(): boolean {
    return this.data !== undefined;
  }

  /** The whole document (`{}` until the first PUT, as `GET /mmds` shows it). */
  value(): JsonValue {
    return this.data ?? {};
  }

  put(data: JsonValue): MmdsResult {
    if (!this.fits(data)) return tooBig();
    this.data = data;
    return { ok: true };
  }

  patch(patch: JsonValue): MmdsResult {
    if (this.data === undefined)
      return { ok: false, error: 'The MMDS data store is not initialized.' };
    const next = applyMergePatch(this.data, patch);
    if (!this.fits(next)) return tooBig();
    this.data = next;
    return { ok: true };
  }

  /** Value at a JSON pointer (`/latest/meta-data/ami-id`; `""` is the root), if present. */
  lookup(pointer: string): JsonValue | undefined {
    if (this.data === undefined) return undefined;
    if (pointer === '') return this.data;
    if (!pointer.startsWith('/')) return undefined;
    let node: JsonValue | undefined = this.data;
    for (const raw of pointer.slice(1).split('/')) {
      const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(node)) {
        if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
        node = node[Number(token)];
      } else if (node !== null && typeof node === 'object') {
        node = Object.hasOwn(node, token) ? node[token] : undefined;
      } else return undefined;
      if (node === undefined) return undefined;
    }
    return node;
  }

  save(): { data?: JsonValue } {
    return this.data === undefined ? {} : { data: this.data };
  }

  restore(state: { data?: JsonValue }): void {
    this.data = state.data;
  }

  private fits(value: JsonValue): boolean {
    return utf8Length(JSON.stringify(value)) <= this.sizeLimit;
  }
}

function tooBig(): MmdsResult {
  return { ok: false, error: "The MMDS patch request doesn't fit." };
}
