import { describe, it, expect } from 'vitest';
import { ConsoleStream } from './console-stream';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

describe('console stream', () => {
  it('gives a late viewer the recent output, then live bytes', () => {
    const stream = new ConsoleStream(16);
    stream.push(text('boot log line\n'));
    const got: string[] = [];
    const a = stream.attach((b) => got.push(str(b)));
    expect(str(a.backlog)).toBe('boot log line\n');
    stream.push(text('$ '));
    expect(got).toEqual(['$ ']);
    a.detach();
    stream.push(text('x'));
    expect(got).toEqual(['$ ']);
    expect(stream.bytesOut).toBe(17);
  });

  it('keeps only the last scrollback bytes, in order, across wraparound', () => {
    const stream = new ConsoleStream(8);
    stream.push(text('abcde'));
    stream.push(text('fghij'));
    expect(str(stream.backlog())).toBe('cdefghij');
    stream.push(text('0123456789ABC'));
    expect(str(stream.backlog())).toBe('6789ABC'.padStart(8, '5'));
  });

  it('routes input to the connected sink and isolates failing viewers', () => {
    const stream = new ConsoleStream();
    expect(stream.write(text('ls\n'))).toBe(false);
    const typed: string[] = [];
    stream.onInput((b) => typed.push(str(b)));
    expect(stream.write(text('ls\n'))).toBe(true);
    expect(typed).toEqual(['ls\n']);
    const seen: string[] = [];
    stream.attach(() => {
      throw new Error('broken viewer');
    });
    stream.attach((b) => seen.push(str(b)));
    stream.push(text('ok'));
    expect(seen).toEqual(['ok']);
  });
});
