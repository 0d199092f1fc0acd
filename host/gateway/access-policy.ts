/**
 * Who may talk to the gateway: a bearer token (compared in constant time), an optional list of
 * browser origins, and a cap on concurrent connections per client address.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { TOKEN_SUBPROTOCOL_PREFIX } from '../../core/console/gateway-protocol';

export interface AccessPolicyOptions {
  token: string;
  allowOrigins: readonly string[];
  maxConnectionsPerClient: number;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403 | 429; reason: string };

export class AccessPolicy {
  private readonly tokenDigest: Buffer;
  private readonly connections = new Map<string, number>();

  constructor(private readonly options: AccessPolicyOptions) {
    if (options.token.length < 16) throw new Error('gateway token must be at least 16 characters');
    this.tokenDigest = digest(options.token);
  }

  /** The token from `Authorization: Bearer …` or from a `kindling-token.…` WebSocket subprotocol. */
  static presentedToken(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    const protocols = req.headers['sec-websocket-protocol'];
    for (const p of (protocols ?? '').split(',').map((s) => s.trim())) {
      if (p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return p.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
    }
    return undefined;
  }

  originAllowed(origin: string | undefined): boolean {
    // Non-browser clients send no Origin; the token still applies to them.
    return origin === undefined || this.options.allowOrigins.includes(origin);
  }

  check(req: IncomingMessage): AccessDecision {
    if (!this.originAllowed(req.headers.origin)) {
      return { ok: false, status: 403, reason: `origin ${req.headers.origin} is not allowed` };
    }
    const token = AccessPolicy.presentedToken(req);
    if (token === undefined) return { ok: false, status: 401, reason: 'missing token' };
    if (!timingSafeEqual(digest(token), this.tokenDigest)) {
      return { ok: false, status: 401, reason: 'wrong token' };
    }
    return { ok: true };
  }

  /** Count a long-lived connection from `client`; false when the client is at its limit. */
  acquire(client: string): boolean {
    const n = this.connections.get(client) ?? 0;
    if (n >= this.options.maxConnectionsPerClient) return false;
    this.connections.set(client, n + 1);
    return true;
  }

  release(client: string): void {
    const n = (this.connections.get(client) ?? 1) - 1;
    if (n <= 0) this.connections.delete(client);
    else this.connections.set(client, n);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
