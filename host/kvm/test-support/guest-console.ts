/**
 * Test helper: collects a machine's console output and lets a test wait for a marker in it.
 */
import type { Readable } from 'node:stream';

export interface GuestConsole {
  text(): string;
  waitFor(marker: string): Promise<void>;
}

export function collectConsole(output: Readable): GuestConsole {
  let text = '';
  const waiters: { marker: string; resolve: () => void }[] = [];
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const waiter of waiters.filter((w) => text.includes(w.marker))) waiter.resolve();
  });
  return {
    text: () => text,
    waitFor: (marker) =>
      new Promise<void>((resolve) =>
        text.includes(marker) ? resolve() : waiters.push({ marker, resolve }),
      ),
  };
}
