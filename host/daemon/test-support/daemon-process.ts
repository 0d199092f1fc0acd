/**
 * Test and benchmark support: spawn `kindling-host` as a child process, talk HTTP to its Unix
 * sockets, watch its console (stdout) for markers and type into it (stdin).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export const KINDLING_HOST = fileURLToPath(new URL('../../bin/kindling-host.ts', import.meta.url));
export const BOOT_MARKER = 'kindling: boot complete';
export const SHELL_PROMPT = 'kindling:~# ';

export interface ApiReply {
  status: number;
  body: string;
  json: unknown;
}

/** One HTTP request on a Unix socket (`body` sent as given, so malformed JSON can be tested). */
export function apiRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: string,
): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers:
          body === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const put = (sock: string, path: string, value: unknown) =>
  apiRequest(sock, 'PUT', path, JSON.stringify(value));
export const patch = (sock: string, path: string, value: unknown) =>
  apiRequest(sock, 'PATCH', path, JSON.stringify(value));

export class DaemonProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters = new Set<() => void>();

  /** Spawns `kindling-host ARGS`, or `command ARGS` (e.g. QEMU, for a peer on the same console watcher). */
  constructor(args: string[], options: { cwd?: string; command?: string } = {}) {
    const [command, argv] = options.command
      ? [options.command, args]
      : [process.execPath, ['--import', 'tsx', KINDLING_HOST, ...args]];
    this.child = spawn(command, argv, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    this.child.stdout.on('data', (c: Buffer) => {
      this.stdout += c.toString('latin1');
      this.notify();
    });
    this.child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
      this.notify();
    });
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.notify();
        resolve({ code, signal });
      }),
    );
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves once `test()` holds (checked on every output chunk), rejects after `timeoutMs`. */
  waitFor(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${what}; stdout tail: ${JSON.stringify(this.stdout.slice(-400))}; stderr tail: ${this.stderr.slice(-600)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits for `text` on the console after offset `from` (default: anywhere). */
  waitForOutput(text: string, timeoutMs = 60_000, from = 0): Promise<void> {
    return this.waitFor(
      `"${text}" on the console`,
      () => this.stdout.indexOf(text, from) >= 0,
      timeoutMs,
    );
  }

  /** Types a command into the guest shell and waits for `expect` in the output that follows. */
  async runCommand(command: string, expect: string, timeoutMs = 30_000): Promise<string> {
    const from = this.stdout.length;
    this.child.stdin.write(`${command}\n`);
    await this.waitForOutput(expect, timeoutMs, from);
    return this.stdout.slice(from);
  }

  /** Polls `GET /` until the API socket answers. */
  async waitForApi(socketPath: string, timeoutMs = 30_000): Promise<number> {
    const started = performance.now();
    for (;;) {
      try {
        const reply = await apiRequest(socketPath, 'GET', '/');
        if (reply.status === 200) return performance.now() - started;
      } catch {
        // Not listening yet.
      }
      if (this.child.exitCode !== null) throw new Error(`daemon exited: ${this.stderr}`);
      if (performance.now() - started > timeoutMs) throw new Error(`API not ready: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<unknown> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
