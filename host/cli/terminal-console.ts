/**
 * Connects a VM's serial console to this process's terminal: raw-mode keystrokes go to the guest,
 * guest output to stdout. Ctrl-A is the escape key (as in QEMU and screen): Ctrl-A X quits,
 * Ctrl-A Ctrl-A sends one Ctrl-A to the guest, Ctrl-A H prints help. The terminal is restored on exit.
 */
import type { ConsoleStream } from '../../core/console/console-stream';

const CTRL_A = 0x01;

export interface TerminalLike {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

export interface TerminalSession {
  /** Resolves when the user quits with Ctrl-A X or `close()` is called. */
  readonly closed: Promise<'user-quit' | 'closed'>;
  close(): void;
}

const HELP = '\r\n[kindling] Ctrl-A X: quit   Ctrl-A Ctrl-A: send Ctrl-A   Ctrl-A H: this help\r\n';

export function attachTerminal(console: ConsoleStream, term: TerminalLike): TerminalSession {
  const { input, output } = term;
  const wasRaw = input.isTTY && typeof input.setRawMode === 'function';
  if (wasRaw) input.setRawMode!(true);
  const attachment = console.attach((bytes) => output.write(bytes));
  output.write(attachment.backlog);

  let escaped = false;
  let finish: (why: 'user-quit' | 'closed') => void = () => {};
  const closed = new Promise<'user-quit' | 'closed'>((resolve) => (finish = resolve));

  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const forward: number[] = [];
    for (const byte of bytes) {
      if (escaped) {
        escaped = false;
        const key = byte | 0x20; // case-insensitive letter
        if (key === 0x78 /* x */) return end('user-quit');
        if (key === 0x68 /* h */) output.write(HELP);
        else if (byte === CTRL_A) forward.push(CTRL_A);
        continue;
      }
      if (byte === CTRL_A) escaped = true;
      else forward.push(byte);
    }
    if (forward.length) console.write(Uint8Array.from(forward));
  };

  const end = (why: 'user-quit' | 'closed') => {
    input.removeListener('data', onData);
    attachment.detach();
    if (wasRaw) input.setRawMode!(false);
    input.pause();
    finish(why);
  };

  input.on('data', onData);
  input.resume();
  return { closed, close: () => end('closed') };
}
