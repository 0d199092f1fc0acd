import { incMetrics } from '../metrics/registry';
import type { JsonValue } from './json';
import type { MmdsStore } from './store';
import type { MmdsTokenAuthority } from './tokens';

/**
 * The guest-facing side of the MMDS as pure request → response functions: what a guest's HTTP
 * request to 169.254.169.254 gets back. The network part (intercepting ARP and TCP to that
 * address on the configured interfaces and speaking HTTP/1.x over it) is in `network/`.
 */
export interface MmdsRequest {
  method: string;
  /** Absolute path, e.g. `/latest/meta-data/instance-id`. */
  path: string;
  /** Header names in any case. */
  headers: Readonly<Record<string, string>>;
}

export interface MmdsResponse {
  status: 200 | 400 | 401 | 404 | 405 | 501;
  contentType: 'text/plain' | 'application/json';
  body: string;
  headers?: Record<string, string>;
}

export interface MmdsGuestContext {
  store: MmdsStore;
  tokens: MmdsTokenAuthority;
  version: 'V1' | 'V2';
  imdsCompat: boolean;
  metrics?: MmdsMetrics;
}

export const TOKEN_PATH = '/latest/api/token';
const TOKEN_HEADERS = ['x-metadata-token', 'x-aws-ec2-metadata-token'];
const TTL_HEADERS = ['x-metadata-token-ttl-seconds', 'x-aws-ec2-metadata-token-ttl-seconds'];

export function createMmdsMetrics() {
  return incMetrics('rx_accepted', 'rx_no_token', 'rx_invalid_token', 'rx_bad_request');
}
export type MmdsMetrics = ReturnType<typeof createMmdsMetrics>;

export function handleMmdsRequest(ctx: MmdsGuestContext, request: MmdsRequest): MmdsResponse {
  if (request.path === '' || !request.path.startsWith('/')) {
    ctx.metrics?.rx_bad_request.inc();
    return text(400, 'Invalid URI.');
  }
  ctx.metrics?.rx_accepted.inc();
  const headers = lowerCaseHeaders(request.headers);
  switch (request.method.toUpperCase()) {
    case 'GET':
      return get(ctx, request.path, headers);
    case 'PUT':
      return putToken(ctx, request.path, headers);
    default:
      return { ...text(405, 'Not allowed HTTP method.'), headers: { Allow: 'GET, PUT' } };
  }
}

function get(ctx: MmdsGuestContext, path: string, headers: Map<string, string>): MmdsResponse {
  const token = firstHeader(headers, TOKEN_HEADERS);
  if (token === undefined) {
    ctx.metrics?.rx_no_token.inc();
    if (ctx.version === 'V2') {
      return text(
        401,
        'No MMDS token provided. Use `X-metadata-token` header to specify the session token.',
      );
    }
  } else if (!ctx.tokens.isValid(token)) {
    ctx.metrics?.rx_invalid_token.inc();
    if (ctx.version === 'V2') return text(401, 'MMDS token not valid.');
  }
  const sanitized = collapseSlashes(path);
  const pointer = sanitized.endsWith('/') ? sanitized.slice(0, -1) : sanitized;
  const value = ctx.store.lookup(pointer);
  if (value === undefined) return text(404, `Resource not found: ${path}.`);
  const wantsJson = !ctx.imdsCompat && (headers.get('accept') ?? '').includes('application/json');
  if (wantsJson)
    return { status: 200, contentType: 'application/json', body: JSON.stringify(value) };
  const formatted = formatImds(value);
  if (formatted === undefined)
    return text(501, 'Cannot retrieve value. The value has an unsupported type.');
  return text(200, formatted);
}

function putToken(ctx: MmdsGuestContext, path: string, headers: Map<string, string>): MmdsResponse {
  if (headers.has('x-forwarded-for')) {
    return text(400, 'Invalid header. Reason: Unsupported header name. Key: X-Forwarded-For');
  }
  if (collapseSlashes(path) !== TOKEN_PATH) return text(404, `Resource not found: ${path}.`);
  const ttlHeader = TTL_HEADERS.find((h) => headers.has(h));
  if (ttlHeader === undefined) {
    return text(
      400,
      "Token time to live value not found. Use `X-metadata-token-ttl-seconds` header to specify the token's lifetime.",
    );
  }
  const raw = headers.get(ttlHeader) ?? '';
  if (!/^\d{1,10}$/.test(raw)) {
    return text(400, `Invalid header. Reason: Invalid value. Key:${ttlHeader}; Value:${raw}`);
  }
  const result = ctx.tokens.generate(Number(raw));
  if (!result.ok) return text(400, result.error);
  return { ...text(200, result.token), headers: { [ttlHeader]: raw } };
}

/** IMDS text: an object lists its keys (sub-objects with a trailing `/`), a string is itself. */
export function formatImds(value: JsonValue): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.entries(value)
    .map(([key, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? `${key}/` : key))
    .join('\n');
}

function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

function lowerCaseHeaders(headers: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
}

function firstHeader(headers: Map<string, string>, names: string[]): string | undefined {
  for (const name of names) {
    const v = headers.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function text(status: MmdsResponse['status'], body: string): MmdsResponse {
  return { status, contentType: 'text/plain', body };
}
