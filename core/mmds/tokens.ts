import type { Clock } from '../time/clock';

export const MIN_TOKEN_TTL_SECONDS = 1;
export const MAX_TOKEN_TTL_SECONDS = 21600;
/** Live tokens kept at most; the oldest is forgotten first (a guest looping on PUT cannot grow us). */
const MAX_LIVE_TOKENS = 1024;

export type TokenResult = { ok: true; token: string } | { ok: false; error: string };

/**
 * MMDS V2 session tokens: random opaque strings with an expiry on the injected clock. (Firecracker
 * encrypts the expiry into the token; a table of random tokens gives the guest the same contract.)
 */
export class MmdsTokenAuthority {
  private readonly live = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    /** Cryptographically random bytes (`crypto.getRandomValues` in the embedder). */
    private readonly randomBytes: (length: number) => Uint8Array,
  ) {}

  generate(ttlSeconds: number): TokenResult {
    if (
      !Number.isInteger(ttlSeconds) ||
      ttlSeconds < MIN_TOKEN_TTL_SECONDS ||
      ttlSeconds > MAX_TOKEN_TTL_SECONDS
    ) {
      return {
        ok: false,
        error: `Invalid time to live value provided for token: ${ttlSeconds}. Please provide a value between ${MIN_TOKEN_TTL_SECONDS} and ${MAX_TOKEN_TTL_SECONDS}.`,
      };
    }
    this.prune();
    let token = '';
    for (const b of this.randomBytes(32)) token += b.toString(16).padStart(2, '0');
    this.live.set(token, this.clock.nowMs() + ttlSeconds * 1000);
    if (this.live.size > MAX_LIVE_TOKENS) {
      const oldest = this.live.keys().next().value;
      if (oldest !== undefined) this.live.delete(oldest);
    }
    return { ok: true, token };
  }

  isValid(token: string): boolean {
    const expiry = this.live.get(token);
    return expiry !== undefined && this.clock.nowMs() < expiry;
  }

  private prune(): void {
    const now = this.clock.nowMs();
    for (const [token, expiry] of this.live) if (expiry <= now) this.live.delete(token);
  }
}
