/** A gateway console client for the host benchmark: collects a VM's serial output, types into it. */
import WebSocket from 'ws';
import { consoleSubprotocols } from '../../host/gateway/gateway-server';

export class ConsoleClient {
  output = '';
  private readonly ws: WebSocket;
  private readonly waiters = new Set<() => void>();
  readonly opened: Promise<void>;

  constructor(base: string, id: string, token: string, write: boolean) {
    const url = `${base.replace(/^http/, 'ws')}/api/vms/${id}/console${write ? '?mode=write' : ''}`;
    this.ws = new WebSocket(url, consoleSubprotocols(token));
    this.ws.on('message', (data, binary) => {
      if (!binary) return;
      this.output += Buffer.from(data as Buffer).toString('latin1');
      for (const waiter of this.waiters) waiter();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Resolves with the time (performance.now()) `text` first appears after offset `from`. */
  waitFor(text: string, timeoutMs: number, from = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.output.indexOf(text, from) < 0) return;
        done();
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no "${text}" within ${timeoutMs} ms: ${JSON.stringify(this.output.slice(-300))}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text));
  }

  close(): void {
    this.ws.close();
  }
}
