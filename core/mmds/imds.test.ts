import { describe, it, expect } from 'vitest';
import { ManualClock } from '../time/manual-clock';
import { createMmdsMetrics, handleMmdsRequest, type MmdsGuestContext } from './imds';
import { MmdsStore } from './store';
import { MmdsTokenAuthority } from './tokens';

function setup(version: 'V1' | 'V2', imdsCompat = false) {
  const clock = new ManualClock();
  let counter = 0;
  const tokens = new MmdsTokenAuthority(clock, (n) => new Uint8Array(n).fill(++counter));
  const store = new MmdsStore();
  store.put({
    latest: { 'meta-data': { 'ami-id': 'ami-123', network: { mac: '06:00' }, count: 3 } },
  });
  const metrics = createMmdsMetrics();
  const ctx: MmdsGuestContext = { store, tokens, version, imdsCompat, metrics };
  const req = (method: string, path: string, headers: Record<string, string> = {}) =>
    handleMmdsRequest(ctx, { method, path, headers });
  return { clock, req, metrics };
}

describe('MMDS guest requests', () => {
  it('V1 answers GET without a token, in IMDS text by default and JSON on request', () => {
    const { req, metrics } = setup('V1');
    expect(req('GET', '/latest/meta-data/')).toMatchObject({
      status: 200,
      contentType: 'text/plain',
      body: 'ami-id\nnetwork/\ncount',
    });
    expect(req('GET', '/latest//meta-data/ami-id').body).toBe('ami-123');
    expect(req('GET', '/latest/meta-data/network', { Accept: 'application/json' })).toMatchObject({
      contentType: 'application/json',
      body: '{"mac":"06:00"}',
    });
    expect(req('GET', '/latest/meta-data/count').status).toBe(501);
    expect(req('GET', '/latest/meta-data/missing')).toMatchObject({
      status: 404,
      body: 'Resource not found: /latest/meta-data/missing.',
    });
    expect(metrics.rx_no_token.count()).toBe(5);
  });

  it('imds_compat ignores the Accept header', () => {
    const { req } = setup('V1', true);
    expect(req('GET', '/latest/meta-data/network', { accept: 'application/json' }).body).toBe(
      'mac',
    );
  });

  it('V2 requires a session token obtained by PUT with a TTL, which expires', () => {
    const { req, clock, metrics } = setup('V2');
    expect(req('GET', '/latest/meta-data/ami-id').status).toBe(401);
    const put = req('PUT', '/latest/api/token', { 'X-metadata-token-ttl-seconds': '60' });
    expect(put.status).toBe(200);
    expect(put.headers).toEqual({ 'x-metadata-token-ttl-seconds': '60' });
    const token = put.body;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(req('GET', '/latest/meta-data/ami-id', { 'X-metadata-token': token })).toMatchObject({
      status: 200,
      body: 'ami-123',
    });
    expect(req('GET', '/latest/meta-data/ami-id', { 'X-metadata-token': 'forged' }).status).toBe(
      401,
    );
    clock.advance(60_000);
    expect(req('GET', '/latest/meta-data/ami-id', { 'X-metadata-token': token })).toMatchObject({
      status: 401,
      body: 'MMDS token not valid.',
    });
    expect(metrics.rx_invalid_token.count()).toBe(2);
  });

  it('refuses bad token requests', () => {
    const { req } = setup('V2');
    expect(req('PUT', '/latest/api/token').status).toBe(400);
    expect(req('PUT', '/latest/api/token', { 'x-metadata-token-ttl-seconds': '0' }).body).toMatch(
      /between 1 and 21600/,
    );
    expect(
      req('PUT', '/latest/api/token', { 'x-metadata-token-ttl-seconds': '21601' }).status,
    ).toBe(400);
    expect(req('PUT', '/latest/api/token', { 'x-metadata-token-ttl-seconds': 'abc' }).status).toBe(
      400,
    );
    expect(
      req('PUT', '/latest/api/token', {
        'x-metadata-token-ttl-seconds': '5',
        'X-Forwarded-For': '1.2.3.4',
      }).status,
    ).toBe(400);
    expect(req('PUT', '/latest/meta-data', { 'x-metadata-token-ttl-seconds': '5' }).status).toBe(
      404,
    );
    expect(req('POST', '/latest')).toMatchObject({ status: 405, headers: { Allow: 'GET, PUT' } });
    expect(req('GET', 'relative').status).toBe(400);
  });
});
