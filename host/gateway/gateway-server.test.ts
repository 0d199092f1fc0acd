import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import WebSocket from 'ws';
import { ConsoleStream } from '../../core/console/console-stream';
import { Gateway } from './gateway-server';
import { consoleSubprotocols } from '../../core/console/gateway-protocol';
import type { VmControlAction, VmDirectory } from './vm-directory';

const TOKEN = 'test-token-0123456789abcdef';
const ORIGIN = 'http://127.0.0.1:4173';

let gateway: Gateway;
let base: string;
let stream: ConsoleStream;
let typed: string;
let controls: [string, VmControlAction][];

beforeEach(async () => {
  stream = new ConsoleStream();
  typed = '';
  controls = [];
  stream.onInput((b) => (typed += Buffer.from(b).toString()));
  stream.push(Buffer.from('earlier output\n'));
  const directory: VmDirectory = {
    list: () => [
      { id: 'vm1', arch: 'riscv64', engine: 'wasm', state: 'Running', vcpus: 1, memMib: 128 },
    ],
    console: (id) => (id === 'vm1' ? stream : undefined),
    control: async (id, action) => {
      if (id !== 'vm1') throw new Error(`no VM ${id}`);
      controls.push([id, action]);
    },
  };
  gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    allowOrigins: [ORIGIN],
    maxConnectionsPerClient: 3,
    directory,
  });
  const { port } = await gateway.listen();
  base = `127.0.0.1:${port}`;
});

afterEach(() => gateway.close());

function api(path: string, init: RequestInit & { token?: string; origin?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.origin) headers.Origin = init.origin;
  return fetch(`http://${base}${path}`, { ...init, headers });
}

/** Opens a console socket; resolves with the socket and the first messages, or the refusal status. */
function openConsole(opts: { token?: string; origin?: string; mode?: string; vm?: string } = {}) {
  const url = `ws://${base}/api/vms/${opts.vm ?? 'vm1'}/console${opts.mode ? `?mode=${opts.mode}` : ''}`;
  const ws = new WebSocket(url, opts.token ? consoleSubprotocols(opts.token) : [], {
    headers: opts.origin ? { Origin: opts.origin } : {},
  });
  return new Promise<
    { ws: WebSocket; hello: { role: string }; backlog: string } | { status: number }
  >((resolve) => {
    const messages: WebSocket.RawData[] = [];
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('message', (data) => {
      messages.push(data);
      if (messages.length === 2) {
        resolve({ ws, hello: JSON.parse(String(messages[0])), backlog: String(messages[1]) });
      }
    });
  });
}

describe('gateway HTTP API', () => {
  it('refuses requests without the token, with a wrong token, or from a disallowed origin', async () => {
    expect((await api('/api/vms')).status).toBe(401);
    expect((await api('/api/vms', { token: 'wrong-token-0123456789' })).status).toBe(401);
    const foreign = await api('/api/vms', { token: TOKEN, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { fault_message: string }).fault_message).toMatch(/origin/);
  });

  it('lists VMs and forwards control actions, with CORS for the allowed origin', async () => {
    const res = await api('/api/vms', { token: TOKEN, origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(((await res.json()) as { id: string }[])[0]?.id).toBe('vm1');
    const post = (body: string, vm = 'vm1') =>
      api(`/api/vms/${vm}/actions`, { method: 'POST', body, token: TOKEN });
    expect((await post('{"action":"pause"}')).status).toBe(204);
    expect(controls).toEqual([['vm1', 'pause']]);
    expect((await post('{"action":"format-disk"}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await post('{"action":"pause"}', 'vm9')).status).toBe(400);
    expect((await post(JSON.stringify({ action: 'x'.repeat(10_000) }))).status).toBe(413);
  });
});

describe('gateway console WebSocket', () => {
  it('refuses a missing token, a wrong token and a disallowed origin', async () => {
    expect(await openConsole()).toEqual({ status: 401 });
    expect(await openConsole({ token: 'wrong-token-0123456789' })).toEqual({ status: 401 });
    expect(await openConsole({ token: TOKEN, origin: 'http://evil.example' })).toEqual({
      status: 403,
    });
    expect(await openConsole({ token: TOKEN, vm: 'nope' })).toEqual({ status: 404 });
  });

  it('sends scrollback then live output; only the single writer can type', async () => {
    const writer = await openConsole({ token: TOKEN, origin: ORIGIN, mode: 'write' });
    const viewer = await openConsole({ token: TOKEN, origin: ORIGIN });
    if (!('ws' in writer) || !('ws' in viewer)) throw new Error('connection refused');
    expect(writer.hello.role).toBe('writer');
    expect(viewer.hello.role).toBe('viewer');
    expect(viewer.backlog).toBe('earlier output\n');
    expect(await openConsole({ token: TOKEN, mode: 'write' })).toEqual({ status: 409 });

    const live = new Promise<string>((r) => viewer.ws.once('message', (d) => r(String(d))));
    stream.push(Buffer.from('# '));
    expect(await live).toBe('# ');

    viewer.ws.send(Buffer.from('ignored'));
    writer.ws.send(Buffer.from('echo hi\n'));
    await expect.poll(() => typed).toBe('echo hi\n');
    writer.ws.close();
    viewer.ws.close();
  });

  it('limits concurrent connections per client', async () => {
    const open = await Promise.all([1, 2, 3].map(() => openConsole({ token: TOKEN })));
    expect(open.every((o) => 'ws' in o)).toBe(true);
    expect(await openConsole({ token: TOKEN })).toEqual({ status: 429 });
    for (const o of open) if ('ws' in o) o.ws.close();
    await expect.poll(async () => 'ws' in (await openConsole({ token: TOKEN }))).toBe(true);
  });
});
