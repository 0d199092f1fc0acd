import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { ConsoleStream } from '../../core/console/console-stream';
import { attachTerminal } from './terminal-console';

function setup() {
  const stream = new ConsoleStream();
  const typed: number[] = [];
  stream.onInput((b) => typed.push(...b));
  stream.push(Buffer.from('boot\n'));
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawCalls: [] as boolean[],
    setRawMode(raw: boolean) {
      this.rawCalls.push(raw);
      return this;
    },
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString()));
  const session = attachTerminal(stream, { input, output });
  return { stream, typed, input, session, shown: () => shown };
}

describe('terminal console', () => {
  it('shows scrollback and live output, forwards keystrokes in raw mode', async () => {
    const t = setup();
    expect(t.input.rawCalls).toEqual([true]);
    t.stream.push(Buffer.from('# '));
    t.input.write('ls\r');
    await new Promise((r) => setImmediate(r));
    expect(t.shown()).toBe('boot\n# ');
    expect(Buffer.from(t.typed).toString()).toBe('ls\r');
    t.session.close();
    expect(await t.session.closed).toBe('closed');
    expect(t.input.rawCalls).toEqual([true, false]);
  });

  it('quits on Ctrl-A X, passes Ctrl-A Ctrl-A through as one Ctrl-A, and prints help on Ctrl-A H', async () => {
    const t = setup();
    t.input.write(Buffer.from([0x61, 0x01, 0x01, 0x62, 0x01, 0x68]));
    await new Promise((r) => setImmediate(r));
    expect(t.typed).toEqual([0x61, 0x01, 0x62]);
    expect(t.shown()).toContain('Ctrl-A X: quit');
    t.input.write(Buffer.from([0x01, 0x58])); // Ctrl-A, capital X
    expect(await t.session.closed).toBe('user-quit');
    expect(t.input.rawCalls).toEqual([true, false]);
    t.stream.push(Buffer.from('after'));
    expect(t.shown()).not.toContain('after');
  });
});
