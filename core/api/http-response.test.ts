import { describe, it, expect } from 'vitest';
import { toWireResponse } from './http-response';
import { parseRequest } from './parse-request';

describe('toWireResponse', () => {
  it('serialises bodies, faults and empty answers', () => {
    expect(toWireResponse({ status: 200, body: { a: 1 } })).toEqual({
      status: 200,
      body: '{"a":1}',
    });
    expect(toWireResponse({ status: 204 })).toEqual({ status: 204 });
    expect(toWireResponse({ status: 400, fault_message: 'no' })).toEqual({
      status: 400,
      body: '{"fault_message":"no"}',
    });
    const parsed = parseRequest('GET', '/nope', undefined);
    if (parsed.ok) throw new Error('accepted');
    expect(toWireResponse(parsed)).toEqual({
      status: 404,
      body: '{"fault_message":"Invalid request method and/or path: GET /nope."}',
    });
  });
});
