/**
 * A VM as a script (or a power user at the devtools console) uses it: the VM, its whole console
 * transcript, its events, and "wait for text" / "run a command and give me its output".
 */
import type { VmmEvent } from '../../workers/browser/vmm-api';
import { attachConsole, createVm, onVmEvent, type VmHandle } from './machine-client';

interface TextWaiter {
  text: string;
  from: number;
  resolve: (end: number) => void;
}

export class SessionTimeoutError extends Error {
  override readonly name = 'SessionTimeoutError';
}

export class VmSession {
  /** Everything the guest printed, decoded as UTF-8. */
  transcript = '';
  readonly events: VmmEvent[] = [];
  private readonly decoder = new TextDecoder();
  private waiters = new Set<TextWaiter>();
  private eventWaiters = new Set<() => void>();
  private commands = 0;

  private constructor(readonly vm: VmHandle) {}

  /** Follow a VM's console and events (a new VM unless one is given). */
  static async open(vm: VmHandle = createVm()): Promise<VmSession> {
    const session = new VmSession(vm);
    session.append(await attachConsole(vm, (bytes) => session.append(bytes)));
    await onVmEvent(vm, (event) => {
      session.events.push(event);
      session.eventWaiters.forEach((wake) => wake());
    });
    return session;
  }

  private append(bytes: Uint8Array): void {
    this.transcript += this.decoder.decode(bytes, { stream: true });
    for (const waiter of this.waiters) {
      const at = this.transcript.indexOf(waiter.text, waiter.from);
      if (at >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve(at + waiter.text.length);
      }
    }
  }

  /** Resolves with the transcript index just past `text` once it appears at or after `from`. */
  waitFor(text: string, timeoutMs = 30_000, from = 0): Promise<number> {
    const at = this.transcript.indexOf(text, from);
    if (at >= 0) return Promise.resolve(at + text.length);
    return new Promise((resolve, reject) => {
      const waiter: TextWaiter = { text, from, resolve: () => undefined };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new SessionTimeoutError(
            `no "${text}" on the console within ${timeoutMs} ms; last output: ${this.transcript.slice(-400)}`,
          ),
        );
      }, timeoutMs);
      waiter.resolve = (end) => {
        clearTimeout(timer);
        resolve(end);
      };
      this.waiters.add(waiter);
    });
  }

  /** The first event of a kind (already received or the next one). */
  waitForEvent<K extends VmmEvent['kind']>(
    kind: K,
    timeoutMs = 30_000,
  ): Promise<Extract<VmmEvent, { kind: K }>> {
    const find = () =>
      this.events.find((e): e is Extract<VmmEvent, { kind: K }> => e.kind === kind);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const event = find();
        if (!event) return;
        this.eventWaiters.delete(wake);
        clearTimeout(timer);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.eventWaiters.delete(wake);
        reject(new SessionTimeoutError(`no ${kind} event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventWaiters.add(wake);
    });
  }

  /** Type into the serial console. */
  type(text: string): Promise<void> {
    return this.vm.api.sendInput(new TextEncoder().encode(text));
  }

  /**
   * Run a shell command line and return what it printed (without the echoed command). The end is
   * found by an `echo` whose arithmetic is evaluated by the shell, so the terminal's echo of the
   * typed line never matches it.
   */
  async run(command: string, timeoutMs = 30_000): Promise<string> {
    const n = ++this.commands;
    const from = this.transcript.length;
    const endMark = `<<done ${n + 1000}>>`;
    await this.type(`${command}; echo "<<done $((${n} + 1000))>>"\n`);
    const end = await this.waitFor(endMark, timeoutMs, from);
    const output = this.transcript.slice(from, end - endMark.length);
    // Drop the echoed command line.
    const firstBreak = output.indexOf('\n');
    return (firstBreak >= 0 ? output.slice(firstBreak + 1) : '').replace(/\r/g, '');
  }

  dispose(): void {
    this.vm.dispose();
  }
}
