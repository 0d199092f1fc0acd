/**
 * `kindling-host` command line, Firecracker-shaped and strict: an unknown flag, a missing value or a
 * flag given twice is a `UsageError` (the CLI prints it with the usage and exits 1).
 *
 *   kindling-host --api-sock PATH [--config-file vm.json] [--metadata data.json] [--no-api] [common...]
 *   kindling-host serve --socket-dir DIR [--vm ID[:vm.json]]... [common...]
 *   kindling-host gateway --token-file F [--listen HOST:PORT] [--allow-origin URL]...
 *                 [--socket-dir DIR] [--max-connections-per-client N] [--vm ID[:vm.json]]... [common...]
 *   common: [--id ID] [--boot-timer] [--level L] [--log-path P] [--metrics-path P]
 *           [--engine kvm|wasm|auto] [--http-api-max-payload-size N]
 */
import { LOG_LEVELS, type LogLevel } from '../../core/api/types';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../api/unix-http-server';
import type { EngineFlag } from './engine-choice';

export const USAGE = `usage:
  kindling-host --api-sock PATH [--config-file vm.json] [--metadata data.json] [--no-api] [options]
  kindling-host serve --socket-dir DIR [--vm ID[:vm.json]]... [options]
  kindling-host gateway --token-file FILE [--listen HOST:PORT] [--allow-origin URL]...
                [--socket-dir DIR] [--max-connections-per-client N] [--vm ID[:vm.json]]... [options]
options:
  --id ID                          instance id (GET /), default anonymous-instance
  --boot-timer                     guest boot-time device (kindling.boot_timer)
  --level Error|Warning|Info|Debug|Trace|Off   log level (default Info)
  --log-path PATH                  log file (default stderr)
  --metrics-path PATH              metrics file (JSON lines, every 60 s and on FlushMetrics)
  --engine kvm|wasm|auto           execution engine (default auto)
  --http-api-max-payload-size N    largest API request body in bytes (default ${DEFAULT_MAX_PAYLOAD_BYTES})`;

export class UsageError extends Error {}

export interface CommonOptions {
  id: string;
  bootTimer: boolean;
  level: LogLevel;
  logPath: string | undefined;
  metricsPath: string | undefined;
  engine: EngineFlag;
  maxPayloadBytes: number;
}

export interface VmArg {
  id: string;
  configFile: string | undefined;
}

export type HostCommand =
  | ({
      mode: 'single';
      apiSock: string | undefined;
      configFile: string | undefined;
      /** JSON file whose contents become the MMDS data store before anything else (Firecracker's `--metadata`). */
      metadata: string | undefined;
      noApi: boolean;
    } & CommonOptions)
  | ({ mode: 'serve'; socketDir: string; vms: VmArg[] } & CommonOptions)
  | ({
      mode: 'gateway';
      socketDir: string | undefined;
      vms: VmArg[];
      listenHost: string;
      listenPort: number;
      tokenFile: string;
      allowOrigins: string[];
      maxConnectionsPerClient: number;
    } & CommonOptions);

const VM_ID = /^[A-Za-z0-9_.-]{1,64}$/;

const FLAGS: Record<HostCommand['mode'], Record<string, 'value' | 'switch' | 'list'>> = {
  single: {
    '--api-sock': 'value',
    '--config-file': 'value',
    '--metadata': 'value',
    '--no-api': 'switch',
  },
  serve: { '--socket-dir': 'value', '--vm': 'list' },
  gateway: {
    '--socket-dir': 'value',
    '--vm': 'list',
    '--listen': 'value',
    '--token-file': 'value',
    '--allow-origin': 'list',
    '--max-connections-per-client': 'value',
  },
};
const COMMON: Record<string, 'value' | 'switch'> = {
  '--id': 'value',
  '--boot-timer': 'switch',
  '--level': 'value',
  '--log-path': 'value',
  '--metrics-path': 'value',
  '--engine': 'value',
  '--http-api-max-payload-size': 'value',
};

export function parseHostArgs(argv: readonly string[]): HostCommand {
  const mode = argv[0] === 'serve' || argv[0] === 'gateway' ? argv[0] : 'single';
  const rest = mode === 'single' ? argv : argv.slice(1);
  const known = { ...COMMON, ...FLAGS[mode] };
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const kind = known[flag];
    if (!kind)
      throw new UsageError(
        `unknown argument ${JSON.stringify(flag)}${mode === 'single' ? '' : ` for ${mode}`}`,
      );
    if (kind === 'switch') {
      if (values.has(flag)) throw new UsageError(`${flag} given twice`);
      values.set(flag, '');
      continue;
    }
    const value = rest[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value`);
    if (kind === 'list') lists.set(flag, [...(lists.get(flag) ?? []), value]);
    else if (values.has(flag)) throw new UsageError(`${flag} given twice`);
    else values.set(flag, value);
  }
  const common = commonOptions(values);
  if (mode === 'single') {
    const noApi = values.has('--no-api');
    const configFile = values.get('--config-file');
    const apiSock = values.get('--api-sock');
    if (noApi && configFile === undefined) throw new UsageError('--no-api requires --config-file');
    if (noApi && apiSock !== undefined)
      throw new UsageError('--no-api and --api-sock exclude each other');
    if (!noApi && apiSock === undefined)
      throw new UsageError('--api-sock PATH is required (or --no-api --config-file)');
    return { mode, apiSock, configFile, metadata: values.get('--metadata'), noApi, ...common };
  }
  const vms = (lists.get('--vm') ?? []).map(parseVmArg);
  const ids = new Set<string>();
  for (const vm of vms) {
    if (ids.has(vm.id)) throw new UsageError(`--vm ${vm.id} given twice`);
    ids.add(vm.id);
  }
  if (mode === 'serve') {
    const socketDir = values.get('--socket-dir');
    if (socketDir === undefined) throw new UsageError('serve needs --socket-dir DIR');
    return { mode, socketDir, vms, ...common };
  }
  const tokenFile = values.get('--token-file');
  if (tokenFile === undefined) throw new UsageError('gateway needs --token-file FILE');
  const { host, port } = parseListen(values.get('--listen') ?? '127.0.0.1:8787');
  return {
    mode,
    socketDir: values.get('--socket-dir'),
    vms,
    listenHost: host,
    listenPort: port,
    tokenFile,
    allowOrigins: lists.get('--allow-origin') ?? [],
    maxConnectionsPerClient: positiveInt(
      values.get('--max-connections-per-client') ?? '8',
      '--max-connections-per-client',
    ),
    ...common,
  };
}

function commonOptions(values: Map<string, string>): CommonOptions {
  const level = values.get('--level') ?? 'Info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const engine = values.get('--engine') ?? 'auto';
  if (engine !== 'kvm' && engine !== 'wasm' && engine !== 'auto') {
    throw new UsageError('--engine must be kvm, wasm or auto');
  }
  const id = values.get('--id') ?? 'anonymous-instance';
  if (!VM_ID.test(id)) throw new UsageError('--id must be 1-64 characters of A-Z a-z 0-9 _ . -');
  const payload = values.get('--http-api-max-payload-size');
  return {
    id,
    bootTimer: values.has('--boot-timer'),
    level: level as LogLevel,
    logPath: values.get('--log-path'),
    metricsPath: values.get('--metrics-path'),
    engine,
    maxPayloadBytes:
      payload === undefined
        ? DEFAULT_MAX_PAYLOAD_BYTES
        : positiveInt(payload, '--http-api-max-payload-size'),
  };
}

export function parseVmArg(text: string): VmArg {
  const colon = text.indexOf(':');
  const id = colon < 0 ? text : text.slice(0, colon);
  const configFile = colon < 0 ? undefined : text.slice(colon + 1);
  if (!VM_ID.test(id))
    throw new UsageError(`--vm ${text}: the id must be 1-64 characters of A-Z a-z 0-9 _ . -`);
  if (configFile === '') throw new UsageError(`--vm ${text}: empty config file path`);
  return { id, configFile };
}

export function parseListen(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new UsageError(`--listen ${text}: expected HOST:PORT`);
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--listen ${text}: bad port`);
  return { host, port };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive integer`);
  return n;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
