/**
 * What a terminal tab is attached to: a local VM's serial console or a remote gateway's console
 * WebSocket. Output is replayed from a bounded backlog so a terminal can attach late.
 */
export interface ConsoleSource {
  /** Follow output; the backlog is delivered first. Returns an unsubscribe function. */
  subscribeOutput(onOutput: (bytes: Uint8Array) => void): () => void;
  /** Keystrokes for the guest (ignored when the source is read-only). */
  send(bytes: Uint8Array): void;
  /** Output so far, decoded (for prompt detection). */
  tail(): string;
}

const BACKLOG_LIMIT = 512 * 1024;

/** A fan-out of console bytes with a bounded backlog; the common half of every ConsoleSource. */
export class ConsoleFanout {
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();
  private chunks: Uint8Array[] = [];
  private size = 0;
  private text = '';
  private readonly decoder = new TextDecoder();

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size > BACKLOG_LIMIT && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
    this.text = (this.text + this.decoder.decode(bytes, { stream: true })).slice(-4096);
    for (const listener of this.listeners) listener(bytes);
  }

  subscribe(onOutput: (bytes: Uint8Array) => void): () => void {
    for (const chunk of this.chunks) onOutput(chunk);
    this.listeners.add(onOutput);
    return () => this.listeners.delete(onOutput);
  }

  /** The last few KiB of output as text. */
  tail(): string {
    return this.text;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.text = '';
  }
}

/** True when the console's last line looks like a shell prompt waiting for input. */
export function atShellPrompt(tail: string): boolean {
  // BusyBox ash asks for the cursor position (ESC [ 6 n) after its prompt: ignore such sequences.
  return /[#$] $/.test(stripTerminalControls(tail));
}

/** Console text without CSI escape sequences and other control characters (for plain display). */
export function stripTerminalControls(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
  );
}

/** The command that tells the guest's tty the terminal's size (vi, top and less read it). */
export function sttyCommand(rows: number, cols: number): string {
  return `stty rows ${Math.max(1, Math.floor(rows))} cols ${Math.max(1, Math.floor(cols))}\n`;
}
