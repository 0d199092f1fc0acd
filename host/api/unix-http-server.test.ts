import { describe, it, expect, afterEach } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnixHttpServer, fault, type ApiHandler } from './unix-http-server';

const servers: UnixHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(handler: ApiHandler, maxPayloadBytes?: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'kindling-api-')), 'api.sock');
  const server = new UnixHttpServer(handler, maxPayloadBytes ? { maxPayloadBytes } : {});
  await server.listen(path);
  servers.push(server);
  return path;
}

function call(socketPath: string, method: string, path: string, body?: string) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request(
      { socketPath, method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('API transport on a Unix socket', () => {
  it('hands method, path and body to the handler and returns its answer', async () => {
    const seen: unknown[] = [];
    const sock = await start(async (method, path, body) => {
      seen.push([method, path, body]);
      return path === '/version'
        ? { status: 200, body: { firecracker_version: 'x' } }
        : { status: 204 };
    });
    expect(await call(sock, 'GET', '/version')).toEqual({
      status: 200,
      json: { firecracker_version: 'x' },
    });
    expect(await call(sock, 'PUT', '/boot-source', '{"kernel_image_path":"k"}')).toEqual({
      status: 204,
      json: undefined,
    });
    expect(seen).toEqual([
      ['GET', '/version', undefined],
      ['PUT', '/boot-source', '{"kernel_image_path":"k"}'],
    ]);
  });

  it('refuses an oversized payload with a fault message and stays up', async () => {
    const sock = await start(async () => ({ status: 204 }), 1024);
    const big = await call(sock, 'PUT', '/mmds', JSON.stringify({ blob: 'x'.repeat(5000) }));
    expect(big.status).toBe(400);
    expect((big.json as { fault_message: string }).fault_message).toMatch(
      /larger than the limit of 1024/,
    );
    expect((await call(sock, 'GET', '/')).status).toBe(204);
  });

  it('turns a throwing handler into a 400 fault and keeps serving', async () => {
    const sock = await start(async (_m, path) => {
      if (path === '/boom') throw new Error('kaput');
      return fault('nope');
    });
    const boom = await call(sock, 'GET', '/boom');
    expect(boom).toEqual({ status: 400, json: { fault_message: 'internal error: kaput' } });
    expect(await call(sock, 'GET', '/x')).toEqual({ status: 400, json: { fault_message: 'nope' } });
  });

  it('replaces a stale socket but refuses a live one or a file that is not a socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-api-'));
    const notSocket = join(dir, 'notes.txt');
    writeFileSync(notSocket, 'keep me');
    await expect(
      new UnixHttpServer(async () => ({ status: 204 })).listen(notSocket),
    ).rejects.toThrow(/not a socket/);
    // A socket left behind by a daemon killed with SIGKILL.
    const path = join(dir, 'api.sock');
    const listener = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', listener]);
    expect(statSync(path).isSocket()).toBe(true);
    const first = new UnixHttpServer(async () => ({ status: 204 }));
    await first.listen(path);
    servers.push(first);
    const second = new UnixHttpServer(async () => ({ status: 204 }));
    await expect(second.listen(path)).rejects.toThrow(/in use/);
  });
});
