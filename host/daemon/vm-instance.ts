/**
 * One microVM as the daemon hosts it: an engine VM (backend + console), the API controller with the
 * engine's limits, its logger and metrics. `handle` is the whole HTTP contract: parse the request
 * into an action, let the controller decide, serialise the answer. Nothing here knows about HTTP
 * beyond (method, path, body) → (status, body).
 */
import { readFileSync } from 'node:fs';
import { parseConfigFile, runActions } from '../../core/api/config-file';
import { parseRequest } from '../../core/api/parse-request';
import { VmmController } from '../../core/api/controller';
import { toWireResponse } from '../../core/api/http-response';
import type { InstanceState } from '../../core/api/types';
import type { JsonValue } from '../../core/mmds/json';
import type { ApiResponse } from '../api/unix-http-server';
import { UnixHttpServer } from '../api/unix-http-server';
import { ApiMetrics } from './api-metrics';
import type { EngineChoice } from './engine-choice';
import type { EngineVm } from './engine-vm';
import type { DaemonLogger } from './logger';
import { MetricsWriter } from './metrics-writer';

export interface VmInstanceOptions {
  id: string;
  engine: EngineChoice;
  logger: DaemonLogger;
  bootTimer: boolean;
  maxPayloadBytes: number;
  /** Process start, for `api_server.process_startup_time_us`. */
  startupTimeUs?: number;
  /** The guest stopped (power-off, reboot request, fault). */
  onStop?: (description: string, clean: boolean) => void;
}

export class VmInstance {
  readonly id: string;
  readonly vm: EngineVm;
  readonly controller: VmmController;
  readonly metrics: MetricsWriter;
  private readonly apiMetrics: ApiMetrics;
  private readonly logger: DaemonLogger;
  private server: UnixHttpServer | undefined;

  constructor(private readonly options: VmInstanceOptions) {
    this.id = options.id;
    this.logger = options.logger;
    this.apiMetrics = new ApiMetrics(options.startupTimeUs ?? 0);
    this.metrics = new MetricsWriter(
      () => this.metricsLine(),
      (message) => this.logger.warn(message),
    );
    this.vm = options.engine.factory({
      log: (severity, message) => this.logger.log(severity, message),
      configureLogger: (config) => this.logger.configure(config),
      configureMetrics: (config) => this.metrics.setPath(config.metrics_path),
      flushMetrics: () => this.metrics.flush(),
      onStop: (description, clean) => {
        (clean ? this.logger.info : this.logger.error).call(
          this.logger,
          `guest stopped: ${description}`,
        );
        options.onStop?.(description, clean);
      },
      bootTimer: options.bootTimer,
    });
    this.controller = new VmmController({
      backend: this.vm.backend,
      limits: this.vm.limits,
      instanceId: options.id,
      ...(this.vm.mmds ? { mmds: this.vm.mmds } : {}),
      onStateChange: (state: InstanceState) => this.logger.info(`microVM state: ${state}`),
    });
  }

  /** One API request: parse → controller → wire answer. Never throws. */
  async handle(method: string, path: string, body: string | undefined): Promise<ApiResponse> {
    const parsed = parseRequest(method, path, body, {
      maxPayloadBytes: this.options.maxPayloadBytes,
    });
    const wire = toWireResponse(parsed.ok ? await this.controller.handle(parsed.action) : parsed);
    if (wire.status >= 400)
      this.logger.warn(`API ${method} ${path} → ${wire.status}: ${wire.body}`);
    return wire.body === undefined
      ? { status: wire.status }
      : { status: wire.status, body: JSON.parse(wire.body) as unknown };
  }

  recordRequest(method: string, path: string, status: number, ms: number): void {
    this.apiMetrics.record(method, path, status, ms);
    this.logger.debug(`API ${method} ${path} → ${status} in ${ms.toFixed(1)} ms`);
  }

  /** The next Firecracker-style metrics line (API counters reset at each line). */
  metricsLine(): string {
    return JSON.stringify({
      utc_timestamp_ms: Date.now(),
      ...this.apiMetrics.flush(),
      ...this.vm.metricsGroups(),
    });
  }

  /** Serves this VM's API on a Unix socket. */
  async listen(socketPath: string): Promise<void> {
    const server = new UnixHttpServer((m, p, b) => this.handle(m, p, b), {
      maxPayloadBytes: this.options.maxPayloadBytes,
      onRequest: (m, p, s, ms) => this.recordRequest(m, p, s, ms),
    });
    await server.listen(socketPath);
    this.server = server;
    this.logger.info(`API server listening on ${socketPath}`);
    this.vm.prepare?.();
  }

  async close(): Promise<void> {
    this.metrics.close();
    await this.server?.close();
    this.server = undefined;
    this.vm.destroy();
  }
}

/** Firecracker's `--config-file`: every section as API actions, then InstanceStart. */
export async function bootFromConfigFile(instance: VmInstance, path: string): Promise<void> {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = parseConfigFile(json, instance.vm.limits);
  if (!parsed.ok) throw new Error(parsed.fault);
  const outcome = await runActions(instance.controller, [
    ...parsed.actions,
    { type: 'InstanceStart' },
  ]);
  if (outcome.status === 400) throw new Error(outcome.fault_message);
}

/** `--metadata FILE`: the file's JSON becomes the MMDS data store, as `PUT /mmds` would set it. */
export async function loadMetadata(instance: VmInstance, path: string): Promise<void> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot load metadata ${path}: ${(error as Error).message}`, { cause: error });
  }
  const outcome = await instance.controller.handle({ type: 'PutMmds', data: data as JsonValue });
  if (outcome.status === 400) throw new Error(`metadata ${path}: ${outcome.fault_message}`);
}
