import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFolder, type StaticServer } from './static-server';

/** Raw GET, so `..` segments reach the server unnormalised (fetch would resolve them). */
function get(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          body,
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('serveFolder', () => {
  let dir: string;
  let server: StaticServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'static-server-test-'));
    writeFileSync(join(dir, 'index.html'), '<p>page</p>');
    writeFileSync(join(dir, 'v86.wasm'), 'wasm-bytes');
    server = await serveFolder(dir);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for / and files with their content type', async () => {
    expect(await get(server.url, '/')).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<p>page</p>',
    });
    const wasm = await get(server.url, '/v86.wasm');
    expect([wasm.status, wasm.type, wasm.body]).toEqual([200, 'application/wasm', 'wasm-bytes']);
  });

  it('answers 404 for a missing file, 400 for a malformed path, 403 outside the folder', async () => {
    expect((await get(server.url, '/%E0')).status).toBe(400);
    expect((await get(server.url, '/missing.js')).status).toBe(404);
    expect((await get(server.url, '/../../etc/passwd')).status).toBe(403);
    expect((await get(server.url, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(403);
  });
});
