/**
 * `kindling-host gateway`: several VMs in one daemon (one booted from a config file, one created
 * through the control socket), listed and controlled through the gateway, the console reachable
 * over its WebSocket, each VM's own API socket answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { consoleSubprotocols } from '../gateway/gateway-server';
import { DaemonProcess, SHELL_PROMPT, apiRequest, put } from './test-support/daemon-process';
import { bootSource } from './test-support/images';

const dir = mkdtempSync(join(tmpdir(), 'kindling-gateway-'));
const socketDir = join(dir, 'socks');
const token = 'gateway-test-token-0123456789';
let daemon: DaemonProcess;
let base = '';

async function gatewayGet(path: string) {
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as unknown };
}

beforeAll(async () => {
  writeFileSync(join(dir, 'token'), `${token}\n`);
  writeFileSync(
    join(dir, 'vm.json'),
    JSON.stringify({
      'boot-source': bootSource(),
      'machine-config': { vcpu_count: 1, mem_size_mib: 64 },
    }),
  );
  daemon = new DaemonProcess([
    'gateway',
    '--listen',
    '127.0.0.1:0',
    '--token-file',
    join(dir, 'token'),
    '--socket-dir',
    socketDir,
    '--vm',
    `alpha:${join(dir, 'vm.json')}`,
    '--engine',
    'wasm',
  ]);
  await daemon.waitFor(
    'the gateway address',
    () => /gateway listening on (http:\/\/\S+)/.test(daemon.stderr),
    60_000,
  );
  base = /gateway listening on (http:\/\/\S+)/.exec(daemon.stderr)![1]!;
});

afterAll(async () => {
  await daemon?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('kindling-host gateway', () => {
  it('creates VMs through the control socket and lists them with their API sockets', async () => {
    const control = join(socketDir, 'control.sock');
    expect((await put(control, '/vms/beta', {})).status).toBe(204);
    expect((await put(control, '/vms/beta', {})).status).toBe(400);
    expect((await put(control, '/vms/gamma', { config: 'x' })).status).toBe(400);
    const vms = (await apiRequest(control, 'GET', '/vms')).json as {
      id: string;
      api_sock: string;
    }[];
    expect(vms.map((v) => v.id).sort()).toEqual(['alpha', 'beta']);
    const beta = await apiRequest(join(socketDir, 'beta.sock'), 'GET', '/');
    expect(beta.json).toMatchObject({ id: 'beta', state: 'Not started' });
    const listed = await gatewayGet('/api/vms');
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'alpha',
          arch: 'riscv64',
          engine: 'wasm',
          state: 'Running',
          memMib: 64,
        }),
        expect.objectContaining({ id: 'beta', state: 'NotStarted' }),
      ]),
    );
    expect((await fetch(`${base}/api/vms`)).status).toBe(401);
  });

  it('attaches to the console over the WebSocket and types into the shell', async () => {
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/api/vms/alpha/console?mode=write`,
      consoleSubprotocols(token),
    );
    let output = '';
    ws.on('message', (data, binary) => {
      if (binary) output += Buffer.from(data as Buffer).toString('latin1');
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const deadline = Date.now() + 90_000;
    while (!output.includes(SHELL_PROMPT) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain(SHELL_PROMPT);
    ws.send(Buffer.from('echo via-ws-$((40+2))\n'));
    while (!output.includes('via-ws-42') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('via-ws-42');
    ws.close();
  });

  it('pauses and resumes through the gateway, as the VM API socket reports', async () => {
    const alpha = join(socketDir, 'alpha.sock');
    const action = (name: string) =>
      fetch(`${base}/api/vms/alpha/actions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ action: name }),
      });
    expect((await action('pause')).status).toBeLessThan(300);
    expect((await apiRequest(alpha, 'GET', '/')).json).toMatchObject({ state: 'Paused' });
    expect((await action('ctrl-alt-del')).status).toBeGreaterThanOrEqual(400);
    expect((await action('resume')).status).toBeLessThan(300);
    expect((await apiRequest(alpha, 'GET', '/')).json).toMatchObject({ state: 'Running' });
  });
});
