import { describe, it, expect } from 'vitest';
import { parseHttpRequest, serializeHttpResponse } from './http-message';

const parse = (text: string) => parseHttpRequest(new TextEncoder().encode(text));

describe('MMDS HTTP parsing', () => {
  it('parses a request head, lower-casing header names and cutting query and absolute form', () => {
    expect(
      parse(
        'GET http://169.254.169.254/latest/meta-data?x=1 HTTP/1.1\r\nX-Metadata-Token: t \r\n\r\nGET',
      ),
    ).toEqual({
      kind: 'request',
      request: { method: 'GET', path: '/latest/meta-data', headers: { 'x-metadata-token': 't' } },
      keepAlive: true,
      consumed: 82,
    });
    expect(parse('GET http://169.254.169.254 HTTP/1.0\n\n')).toMatchObject({
      request: { path: '/' },
      keepAlive: false,
    });
    expect(parse('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')).toMatchObject({
      keepAlive: true,
    });
    expect(parse('GET / HTTP/1.1\r\nConnection: close\r\n\r\n')).toMatchObject({
      keepAlive: false,
    });
  });

  it('waits for the end of the head and for a Content-Length body', () => {
    expect(parse('GET / HTTP/1.1\r\nHost: x\r\n')).toEqual({ kind: 'incomplete' });
    expect(parse('PUT / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab')).toEqual({ kind: 'incomplete' });
    expect(parse('PUT / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcdGET')).toMatchObject({
      consumed: 41,
    });
  });

  it('refuses garbage', () => {
    for (const bad of [
      'HELLO\r\n\r\n',
      'GET /\r\n\r\n',
      'GET / HTTP/2.0\r\n\r\n',
      'GET  / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\nNo colon here\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n',
      'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n',
      'GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
      'GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n',
    ])
      expect(parse(bad).kind, JSON.stringify(bad)).toBe('invalid');
  });

  it('serialises responses with Content-Length in bytes', () => {
    const text = new TextDecoder().decode(
      serializeHttpResponse(
        { status: 200, contentType: 'text/plain', body: 'é', headers: { 'x-a': '1' } },
        true,
      ),
    );
    expect(text).toBe(
      'HTTP/1.1 200 OK\r\nServer: Kindling MMDS\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nx-a: 1\r\n\r\né',
    );
  });
});
