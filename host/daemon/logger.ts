/**
 * The daemon's log: one structured line per event (`<ISO time> [<id>:<level>] <message>`), like
 * Firecracker's, filtered by level, written to stderr or appended to a file (`--log-path`,
 * `PUT /logger`). Writing never throws: a log that cannot be written must not stop a VM.
 */
import { appendFileSync } from 'node:fs';
import type { LoggerConfig, LogLevel } from '../../core/api/types';

/** Lower is more severe; a line is written when its rank ≤ the configured level's rank. */
const RANK: Record<LogLevel, number> = {
  Off: -1,
  Error: 0,
  Warning: 1,
  Info: 2,
  Debug: 3,
  Trace: 4,
};

export type Severity = Exclude<LogLevel, 'Off'>;

export interface LogSink {
  write(line: string): void;
}

export const stderrSink: LogSink = { write: (line) => process.stderr.write(line) };

export function fileSink(path: string): LogSink {
  return {
    write(line) {
      try {
        appendFileSync(path, line);
      } catch {
        // The log file went away or filled the disk: dropping a line beats killing the VMM.
      }
    },
  };
}

export class DaemonLogger {
  private level: LogLevel;
  private sink: LogSink;
  private showLevel = true;

  constructor(
    private readonly instanceId: string,
    options: { level?: LogLevel; sink?: LogSink } = {},
  ) {
    this.level = options.level ?? 'Info';
    this.sink = options.sink ?? stderrSink;
  }

  /** `PUT /logger`: a new destination and/or level. */
  configure(config: LoggerConfig): void {
    if (config.log_path !== undefined) this.sink = fileSink(config.log_path);
    if (config.level !== undefined) this.level = config.level;
    if (config.show_level !== undefined) this.showLevel = config.show_level;
  }

  enabled(severity: Severity): boolean {
    return RANK[severity] <= RANK[this.level];
  }

  log(severity: Severity, message: string): void {
    if (!this.enabled(severity)) return;
    const tag = this.showLevel ? `${this.instanceId}:${severity}` : this.instanceId;
    this.sink.write(`${new Date().toISOString()} [${tag}] ${message}\n`);
  }

  error(message: string): void {
    this.log('Error', message);
  }
  warn(message: string): void {
    this.log('Warning', message);
  }
  info(message: string): void {
    this.log('Info', message);
  }
  debug(message: string): void {
    this.log('Debug', message);
  }
}
