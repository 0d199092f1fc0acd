import { describe, expect, it } from 'vitest';
import { BOOT_MARKER, MarkerWatcher } from './boot-to-marker';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('MarkerWatcher', () => {
  it('finds the marker split across chunks of any size', () => {
    const stream = `[    0.5] Run /init\r\n${BOOT_MARKER}\r\nkindling:~# `;
    for (let size = 1; size <= 7; size++) {
      const watcher = new MarkerWatcher();
      let foundAt = -1;
      for (let at = 0; at < stream.length; at += size) {
        if (watcher.feed(bytes(stream.slice(at, at + size))) && foundAt < 0) foundAt = at + size;
      }
      expect(watcher.found).toBe(true);
      const end = stream.indexOf(BOOT_MARKER) + BOOT_MARKER.length;
      expect(foundAt).toBeGreaterThanOrEqual(end);
      expect(foundAt - size).toBeLessThan(end);
    }
  });

  it('does not fire on a near miss', () => {
    const watcher = new MarkerWatcher();
    expect(watcher.feed(bytes('kindling: boot compl'))).toBe(false);
    expect(watcher.feed(bytes('eat? no: kindling: boot incomplete'))).toBe(false);
    expect(watcher.found).toBe(false);
  });

  it('refuses an empty marker', () => {
    expect(() => new MarkerWatcher('')).toThrow(RangeError);
  });
});
