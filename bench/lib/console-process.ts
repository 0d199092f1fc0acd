/**
 * A VM process (ours or QEMU) whose serial console is its stdio, driven like a guest shell:
 * stdout feeds a ConsoleStream, typed input goes to stdin, and GuestShell runs commands on it.
 * Also reads the process's CPU time from /proc, for idle-cost measurements.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ConsoleStream } from '../../core/console/console-stream';
import { GuestShell } from '../../core/console/test-support/guest-shell';

export class ConsoleProcess {
  readonly console = new ConsoleStream(1 << 20);
  readonly shell: GuestShell;
  readonly child: ChildProcess;
  readonly startedAt = performance.now();

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.console.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.console.push(chunk));
    this.console.onInput((bytes) => this.child.stdin!.write(bytes));
    this.shell = new GuestShell(this.console);
  }

  /** Seconds of CPU (user + system, all threads) the process has used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name; clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
