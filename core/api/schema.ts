/**
 * A small strict validator for API bodies: unknown fields, wrong types and missing required
 * fields are refused with a message naming the field. Validators throw `ValidationError`
 * internally; the request parser turns it into a 400 fault.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** Checks `value` (found at `where`, e.g. `rate_limiter.bandwidth`) and returns it typed. */
export type Check<T> = (value: unknown, where: string) => T;

type Shape = Record<string, Check<unknown>>;
type Checked<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };
type ObjectOf<R extends Shape, O extends Shape> = Checked<R> & Partial<Checked<O>>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(where: string, expected: string, value: unknown): never {
  throw new ValidationError(
    `${where ? `"${where}"` : 'body'}: expected ${expected}, got ${describe(value)}`,
  );
}

export const string: Check<string> = (value, where) =>
  typeof value === 'string' ? value : fail(where, 'a string', value);

export const nonEmptyString: Check<string> = (value, where) =>
  typeof value === 'string' && value.length > 0 ? value : fail(where, 'a non-empty string', value);

export const boolean: Check<boolean> = (value, where) =>
  typeof value === 'boolean' ? value : fail(where, 'a boolean', value);

/** An integer within [min, max] (JSON numbers beyond 2^53 are refused: they lost precision). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (value, where) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? value
      : fail(
          where,
          max === Number.MAX_SAFE_INTEGER
            ? `an integer ≥ ${min}`
            : `an integer from ${min} to ${max}`,
          value,
        );
}

export function oneOf<const V extends string>(...values: V[]): Check<V> {
  return (value, where) =>
    typeof value === 'string' && (values as string[]).includes(value)
      ? (value as V)
      : fail(where, `one of ${values.map((v) => `"${v}"`).join(', ')}`, value);
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (value, where) => {
    if (!Array.isArray(value)) fail(where, 'an array', value);
    return value.map((v, i) => item(v, `${where}[${i}]`));
  };
}

/** A JSON object with exactly the listed fields (required ones must be present, not null). */
export function object<R extends Shape, O extends Shape>(
  required: R,
  optional: O,
): Check<ObjectOf<R, O>> {
  const known = [...Object.keys(required), ...Object.keys(optional)];
  return (value, where) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(where, 'a JSON object', value);
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        throw new ValidationError(
          `${where ? `"${where}"` : 'body'}: unknown field "${key}" (expected one of: ${known.join(', ')})`,
        );
      }
    }
    for (const [key, check] of Object.entries(required)) {
      const field = where ? `${where}.${key}` : key;
      if (!Object.hasOwn(record, key) || record[key] === null) {
        throw new ValidationError(`missing required field "${field}"`);
      }
      out[key] = check(record[key], field);
    }
    for (const [key, check] of Object.entries(optional)) {
      // An explicit null means "not set", as serde's Option does.
      if (!Object.hasOwn(record, key) || record[key] === null) continue;
      out[key] = check(record[key], where ? `${where}.${key}` : key);
    }
    return out as ObjectOf<R, O>;
  };
}

/** Parses a JSON body text; an empty or malformed body is a `ValidationError`. */
export function parseJson(body: string | undefined): unknown {
  if (body === undefined || body.trim() === '')
    throw new ValidationError('the request body is empty');
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw new ValidationError(`the body is not valid JSON (${(e as Error).message})`);
  }
}
