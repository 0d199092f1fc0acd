/**
 * `kindling-host`: the Kindling host daemon (Firecracker's API on a Unix socket). See host/README.md.
 * Exit codes: 0 clean (guest power-off, signal), 1 usage error or a failure to start, 1 guest fault.
 */
import { UsageError, USAGE, parseHostArgs, type HostCommand } from '../daemon/cli-args';
import { chooseEngine, EngineUnavailableError } from '../daemon/engine-choice';
import { DaemonLogger, fileSink, stderrSink } from '../daemon/logger';
import { runMultiVm } from '../daemon/multi-vm';
import { runSingleVm } from '../daemon/single-vm';

function exit(code: number): void {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  // Let the last log and console bytes drain.
  setTimeout(() => process.exit(code), 50);
}

async function main(argv: string[]): Promise<void> {
  let command: HostCommand;
  try {
    command = parseHostArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`kindling-host: ${error.message}\n${USAGE}\n`);
    process.exit(1);
  }
  const engine = await chooseEngine(command.engine);
  if (command.mode === 'single') {
    const logger = new DaemonLogger(command.id, {
      level: command.level,
      sink: command.logPath ? fileSink(command.logPath) : stderrSink,
    });
    logger.info(`engine: ${engine.kind} (${engine.reason})`);
    await runSingleVm(command, engine, logger, exit);
  } else {
    await runMultiVm(command, engine, exit);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof EngineUnavailableError ? '' : 'failed to start: ';
  process.stderr.write(`kindling-host: ${prefix}${message}\n`);
  exit(1);
});
