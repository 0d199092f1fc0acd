/**
 * `kindling-host --api-sock PATH` (Firecracker's shape): one microVM per process. The serial console
 * goes to stdout; stdin feeds the guest (raw mode when it is a terminal, bytes as they come when it
 * is a pipe). The process exits when the guest powers off or reboots (0) or faults (1), or on
 * SIGTERM/SIGINT.
 */
import type { CommonOptions } from './cli-args';
import type { EngineChoice } from './engine-choice';
import type { DaemonLogger } from './logger';
import { VmInstance, bootFromConfigFile, loadMetadata } from './vm-instance';

export interface SingleVmOptions extends CommonOptions {
  apiSock: string | undefined;
  configFile: string | undefined;
  metadata?: string | undefined;
  engine: CommonOptions['engine'];
}

export async function runSingleVm(
  options: SingleVmOptions,
  engine: EngineChoice,
  logger: DaemonLogger,
  exit: (code: number) => void,
): Promise<VmInstance> {
  const instance = new VmInstance({
    id: options.id,
    engine,
    logger,
    bootTimer: options.bootTimer,
    maxPayloadBytes: options.maxPayloadBytes,
    startupTimeUs: Math.round(performance.now() * 1000),
    onStop: (_description, clean) => {
      instance.metrics.flush();
      void instance.close().finally(() => exit(clean ? 0 : 1));
    },
  });
  if (options.metricsPath !== undefined) {
    // Through the controller, so a later PUT /metrics is refused as a reinitialisation (Firecracker).
    const configured = await instance.controller.handle({
      type: 'ConfigureMetrics',
      config: { metrics_path: options.metricsPath },
    });
    if (configured.status === 400) throw new Error(configured.fault_message);
  }
  attachStdio(instance);
  const shutdown = (signal: string) => {
    logger.info(`${signal}: shutting down`);
    instance.metrics.flush();
    void instance.close().finally(() => exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  if (options.metadata !== undefined) await loadMetadata(instance, options.metadata);
  if (options.apiSock !== undefined) await instance.listen(options.apiSock);
  if (options.configFile !== undefined) {
    await bootFromConfigFile(instance, options.configFile);
    logger.info(`booted from ${options.configFile}`);
  }
  return instance;
}

function attachStdio(instance: VmInstance): void {
  instance.vm.console.attach((bytes) => process.stdout.write(bytes));
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', (chunk: Buffer) => instance.vm.console.write(new Uint8Array(chunk)));
  stdin.on('error', () => undefined);
  process.stdout.on('error', () => undefined);
}
