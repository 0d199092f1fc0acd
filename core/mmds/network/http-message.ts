/**
 * The HTTP/1.x the MMDS needs (RFC 9112, much reduced): a request head with an optional
 * Content-Length body (read and ignored), one request at a time, no chunked transfer coding.
 * Responses always carry Content-Length.
 */
import type { MmdsRequest, MmdsResponse } from '../imds';

export type HttpParse =
  | { kind: 'incomplete' }
  | { kind: 'request'; request: MmdsRequest; keepAlive: boolean; consumed: number }
  | { kind: 'invalid'; reason: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;

/** Where the head ends: the index after the empty line, or -1 (LF-only line ends are accepted). */
function headEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Control characters other than tab are not allowed in a header line (RFC 9110 §5.5). */
function hasControlCharacter(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * Parses the first request in `bytes`. `incomplete` means more bytes may complete it; the caller
 * decides when that can no longer happen (buffer full, peer closed).
 */
export function parseHttpRequest(bytes: Uint8Array): HttpParse {
  const end = headEnd(bytes);
  if (end < 0) return { kind: 'incomplete' };
  const lines = latin1(bytes.subarray(0, end)).split(/\r?\n/);
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (!requestLine) return { kind: 'invalid', reason: 'Invalid request line.' };
  const [, method, target, minor] = requestLine as unknown as [string, string, string, string];
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name) || hasControlCharacter(line))
      return { kind: 'invalid', reason: 'Invalid header.' };
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding'] !== undefined)
    return { kind: 'invalid', reason: 'Transfer-Encoding is not supported.' };
  const lengthText = headers['content-length'] ?? '0';
  if (!/^\d{1,9}$/.test(lengthText)) return { kind: 'invalid', reason: 'Invalid Content-Length.' };
  const consumed = end + Number(lengthText);
  if (consumed > bytes.length) return { kind: 'incomplete' };
  const connection = (headers['connection'] ?? '').toLowerCase();
  const keepAlive =
    minor === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  return {
    kind: 'request',
    request: { method, path: pathOf(target), headers },
    keepAlive,
    consumed,
  };
}

/** Origin-form path of a request target: absolute-form loses scheme and host, query is cut. */
function pathOf(target: string): string {
  let path = target;
  const absolute = /^https?:\/\/[^/?#]*/i.exec(path);
  if (absolute) path = path.slice(absolute[0].length) || '/';
  const cut = path.search(/[?#]/);
  return cut < 0 ? path : path.slice(0, cut);
}

const REASONS: Record<MmdsResponse['status'], string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  501: 'Not Implemented',
};

const encoder = new TextEncoder();

export function serializeHttpResponse(response: MmdsResponse, keepAlive: boolean): Uint8Array {
  const body = encoder.encode(response.body);
  const head = [
    `HTTP/1.1 ${response.status} ${REASONS[response.status]}`,
    'Server: Kindling MMDS',
    `Connection: ${keepAlive ? 'keep-alive' : 'close'}`,
    `Content-Type: ${response.contentType}`,
    `Content-Length: ${body.length}`,
    ...Object.entries(response.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  const headBytes = encoder.encode(head);
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  return bytes;
}

export function badRequest(reason: string): MmdsResponse {
  return { status: 400, contentType: 'text/plain', body: reason };
}
