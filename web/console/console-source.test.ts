import { describe, it, expect } from 'vitest';
import { ConsoleFanout, atShellPrompt, sttyCommand, stripTerminalControls } from './console-source';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('ConsoleFanout', () => {
  it('replays the backlog to late subscribers, then streams', () => {
    const fanout = new ConsoleFanout();
    fanout.push(bytes('boot\n'));
    const seen: string[] = [];
    const stop = fanout.subscribe((b) => seen.push(new TextDecoder().decode(b)));
    fanout.push(bytes('~ # '));
    stop();
    fanout.push(bytes('ignored'));
    expect(seen).toEqual(['boot\n', '~ # ']);
    expect(fanout.tail()).toBe('boot\n~ # ignored');
  });

  it('keeps the backlog bounded', () => {
    const fanout = new ConsoleFanout();
    for (let i = 0; i < 200; i++) fanout.push(new Uint8Array(8192));
    let replayed = 0;
    fanout.subscribe((b) => (replayed += b.length));
    expect(replayed).toBeLessThanOrEqual(512 * 1024);
    expect(replayed).toBeGreaterThan(400 * 1024);
    expect(fanout.tail().length).toBe(4096);
  });
});

describe('prompt and stty helpers', () => {
  it('recognises a waiting shell prompt', () => {
    expect(atShellPrompt('kindling: boot complete\r\n~ # ')).toBe(true);
    expect(atShellPrompt('kindling:~# \x1b[6n')).toBe(true);
    expect(atShellPrompt('Mem: 1234K used')).toBe(false);
  });
  it('strips escape sequences and control characters for plain display', () => {
    expect(stripTerminalControls('~ # \x1b[6n\x1b[22;13Rpoweroff\r')).toBe('~ # poweroff');
  });
  it('builds an stty line from the terminal size', () => {
    expect(sttyCommand(33.7, 120)).toBe('stty rows 33 cols 120\n');
  });
});
