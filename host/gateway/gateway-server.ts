/**
 * The remote-mode gateway: HTTP + WebSocket on loopback (unless told otherwise) so the playground
 * can list a host's VMs, control them and attach to their serial consoles.
 *
 *   GET  /api/vms                      → [{ id, arch, engine, state, vcpus, memMib }]
 *   POST /api/vms/{id}/actions         ← { "action": "pause" | "resume" | "ctrl-alt-del" }
 *   WS   /api/vms/{id}/console[?mode=write]
 *        server → client: one text frame {"type":"hello",…}, the scrollback as one binary frame,
 *        then live output as binary frames; client → server: binary keystrokes (writer only).
 *
 * Every request needs the token and, when it comes from a browser, an allowed Origin. A console has
 * any number of viewers and at most one writer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccessPolicy, type AccessPolicyOptions } from './access-policy';
export { consoleSubprotocols } from '../../core/console/gateway-protocol';
import {
  CONSOLE_SUBPROTOCOL,
  VM_CONTROL_ACTIONS,
  type VmControlAction,
} from '../../core/console/gateway-protocol';
import type { VmDirectory } from './vm-directory';

export interface GatewayOptions extends AccessPolicyOptions {
  host: string;
  port: number;
  directory: VmDirectory;
  /** Largest accepted request body (JSON control requests are tiny). */
  maxBodyBytes?: number;
}

const CONTROL_ACTIONS = VM_CONTROL_ACTIONS;
const CONSOLE_PATH = /^\/api\/vms\/([A-Za-z0-9_.-]{1,64})\/console$/;
const ACTIONS_PATH = /^\/api\/vms\/([A-Za-z0-9_.-]{1,64})\/actions$/;

export class Gateway {
  private readonly policy: AccessPolicy;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Browsers fail the handshake unless the server picks one of the offered subprotocols; pick the
    // console protocol, never echo the token back.
    handleProtocols: (offered) => (offered.has(CONSOLE_SUBPROTOCOL) ? CONSOLE_SUBPROTOCOL : false),
  });
  private readonly writers = new Map<string, WebSocket>();

  constructor(private readonly options: GatewayOptions) {
    this.policy = new AccessPolicy(options);
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin && this.policy.originAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.cors(req, res);
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'OPTIONS')
      return reply(res, this.policy.originAllowed(req.headers.origin) ? 204 : 403);
    const access = this.policy.check(req);
    if (!access.ok) return reply(res, access.status, { fault_message: access.reason });
    if (req.method === 'GET' && url.pathname === '/api/vms') {
      return reply(res, 200, this.options.directory.list());
    }
    const action = ACTIONS_PATH.exec(url.pathname);
    if (action && req.method === 'POST') {
      const body = await readBody(req, this.options.maxBodyBytes ?? 4096);
      if (body === undefined) {
        // Answer, then drop the connection rather than read the rest of an oversized body.
        res.setHeader('Connection', 'close');
        res.once('finish', () => req.destroy());
        return reply(res, 413, { fault_message: 'request body too large' });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return reply(res, 400, { fault_message: 'body is not valid JSON' });
      }
      const name = (parsed as { action?: unknown } | null)?.action;
      if (typeof name !== 'string' || !CONTROL_ACTIONS.includes(name as VmControlAction)) {
        return reply(res, 400, {
          fault_message: `action must be one of ${CONTROL_ACTIONS.join(', ')}`,
        });
      }
      try {
        await this.options.directory.control(action[1]!, name as VmControlAction);
        return reply(res, 204);
      } catch (error) {
        return reply(res, 400, {
          fault_message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return reply(res, 404, { fault_message: `no such endpoint: ${req.method} ${url.pathname}` });
  }

  private onUpgrade(
    req: IncomingMessage,
    socket: import('node:stream').Duplex,
    head: Buffer,
  ): void {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://gateway');
    const match = CONSOLE_PATH.exec(url.pathname);
    if (!match) return refuse(404, 'Not Found');
    const access = this.policy.check(req);
    if (!access.ok)
      return refuse(access.status, access.status === 403 ? 'Forbidden' : 'Unauthorized');
    const id = match[1]!;
    const stream = this.options.directory.console(id);
    if (!stream) return refuse(404, 'Not Found');
    const wantsWrite = url.searchParams.get('mode') === 'write';
    if (wantsWrite && this.writers.has(id)) return refuse(409, 'Conflict');
    const client = req.socket.remoteAddress ?? 'unknown';
    if (!this.policy.acquire(client)) return refuse(429, 'Too Many Requests');
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.attachConsole(ws, id, wantsWrite, client),
    );
  }

  private attachConsole(ws: WebSocket, id: string, writer: boolean, client: string): void {
    const stream = this.options.directory.console(id)!;
    if (writer) this.writers.set(id, ws);
    const attachment = stream.attach((bytes) => {
      if (ws.readyState === ws.OPEN) ws.send(bytes);
    });
    ws.send(JSON.stringify({ type: 'hello', vm: id, role: writer ? 'writer' : 'viewer' }));
    ws.send(attachment.backlog);
    ws.on('message', (data, isBinary) => {
      if (!writer || !isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      stream.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    ws.on('close', () => {
      attachment.detach();
      if (this.writers.get(id) === ws) this.writers.delete(id);
      this.policy.release(client);
    });
  }
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
