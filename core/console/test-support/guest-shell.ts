/**
 * Drives a guest shell through a ConsoleStream, for tests and benchmarks: wait for text, run a
 * command and collect its output. Each command ends with `echo @@$((N-1+1))@@`: the terminal echoes
 * the command line literally, so only the shell's own output contains the computed marker `@@N@@`.
 */
import type { ConsoleStream } from '../console-stream';

export class GuestShell {
  private text = '';
  private waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  private nextMarker = 1;
  private readonly detach: () => void;

  constructor(private readonly console: ConsoleStream) {
    const attachment = console.attach((bytes) => this.append(bytes));
    this.detach = attachment.detach;
    this.append(attachment.backlog);
  }

  /** Everything the guest printed since this shell attached (latin1-decoded). */
  get transcript(): string {
    return this.text;
  }

  private append(bytes: Uint8Array): void {
    for (const byte of bytes) this.text += String.fromCharCode(byte);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(this.text)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once the output since `from` contains `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs: number, from = 0): Promise<string> {
    const test = (t: string) =>
      typeof pattern === 'string' ? t.indexOf(pattern, from) >= 0 : pattern.test(t.slice(from));
    if (test(this.text)) return Promise.resolve(this.text.slice(from));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output tail:\n${this.text.slice(-600)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.text.slice(from));
        },
      });
    });
  }

  type(text: string): void {
    this.console.write(new TextEncoder().encode(text));
  }

  /** Runs one command line and returns what it printed (without the echoed command and the marker). */
  async run(command: string, timeoutMs = 30_000): Promise<string> {
    const n = this.nextMarker++;
    const start = this.text.length;
    const echoed = `@@$((${n - 1}+1))@@`;
    this.type(`${command}; echo ${echoed}\n`);
    const output = (await this.waitFor(new RegExp(`@@${n}@@`), timeoutMs, start)).replace(
      /\r/g,
      '',
    );
    // The echo of the command line (possibly wrapped by the terminal) ends with the literal marker
    // expression; the command's output starts on the next line and ends before the marker line.
    const afterEcho = output.indexOf('\n', output.lastIndexOf(echoed)) + 1;
    const markerAt = output.indexOf(`@@${n}@@`, afterEcho);
    const body = output.slice(afterEcho, markerAt);
    return body.endsWith('\n') ? body.slice(0, -1) : body;
  }

  close(): void {
    this.detach();
  }
}
