/**
 * Firecracker-style API transport: HTTP/1.1 on a Unix domain socket. This layer only moves bytes:
 * it reads a bounded body and hands (method, path, body) to a handler that returns a status and an
 * optional JSON body. Errors it detects itself (oversized payload, a handler that throws) are 400s
 * with `fault_message`, like every other API error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { existsSync, statSync, unlinkSync } from 'node:fs';

export interface ApiResponse {
  status: number;
  body?: unknown;
}

export type ApiHandler = (
  method: string,
  path: string,
  body: string | undefined,
) => Promise<ApiResponse>;

/** Firecracker's default `--http-api-max-payload-size`. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 51_200;

export interface UnixHttpServerOptions {
  maxPayloadBytes?: number;
  /** Called for every request, for the API log and `api_server` metrics. */
  onRequest?: (method: string, path: string, status: number, ms: number) => void;
}

export class UnixHttpServer {
  private readonly server: Server;
  private readonly maxPayload: number;

  constructor(
    private readonly handler: ApiHandler,
    private readonly options: UnixHttpServerOptions = {},
  ) {
    this.maxPayload = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  /**
   * Listen on `path`. A stale socket left by a killed daemon is replaced; a live one (another daemon)
   * or any other kind of file is an error — never delete what is not ours.
   */
  async listen(path: string): Promise<void> {
    if (existsSync(path)) {
      if (!statSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
      if (await socketIsLive(path)) throw new Error(`${path} is in use by another process`);
      unlinkSync(path);
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => resolve());
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    let response: ApiResponse;
    const body = await readBounded(req, this.maxPayload);
    if (body.tooLarge) {
      response = fault(
        `Request payload with size ${body.size} is larger than the limit of ${this.maxPayload} allowed by server.`,
      );
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
    } else {
      try {
        response = await this.handler(method, path, body.text);
      } catch (error) {
        response = fault(
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    send(res, response);
    this.options.onRequest?.(method, path, response.status, performance.now() - started);
  }
}

export function fault(message: string, status = 400): ApiResponse {
  return { status, body: { fault_message: message } };
}

function send(res: ServerResponse, response: ApiResponse): void {
  if (response.body === undefined) {
    res.writeHead(response.status).end();
    return;
  }
  const json = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readBounded(
  req: IncomingMessage,
  limit: number,
): Promise<{ text: string | undefined; size: number; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.pause();
    return Promise.resolve({ text: undefined, size: declared, tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve({ text: undefined, size, tooLarge: true });
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ text: size === 0 ? undefined : text, size, tooLarge: false });
    });
    req.on('error', reject);
  });
}

function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
