/**
 * Transport-neutral request parsing: (method, path, body text) → a typed `VmmAction` or a fault.
 * The host daemon's HTTP server and the browser's Comlink facade both call this and nothing else
 * before handing the action to `VmmController.handle`.
 */
import type { JsonValue } from '../mmds/json';
import { utf8Length } from '../snapshot/utf8';
import type { VmmAction } from './actions';
import { ValidationError, parseJson, type Check } from './schema';
import * as V from './validators';

/** Firecracker's default `--http-api-max-payload-size`. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 51200;

export type ParseResult =
  { ok: true; action: VmmAction } | { ok: false; status: 400 | 404 | 405; fault: string };

export interface ParseOptions {
  maxPayloadBytes?: number;
}

type Method = 'GET' | 'PUT' | 'PATCH';
type Handler = (body: string | undefined, id: string | undefined) => VmmAction;
interface Route {
  readonly pattern: RegExp;
  readonly methods: Partial<Record<Method, Handler>>;
}

/** Firecracker endpoints this VMM deliberately does not implement (a clear 400, not a 404). */
const UNSUPPORTED =
  /^\/(cpu-config|serial|pmem\/[^/]+|hotplug\/memory|balloon\/hinting\/(start|status|stop))$/;

const ROUTES: readonly Route[] = [
  route(/^\/$/, { GET: () => ({ type: 'GetInstanceInfo' }) }),
  route(/^\/version$/, { GET: () => ({ type: 'GetVersion' }) }),
  route(/^\/vm\/config$/, { GET: () => ({ type: 'GetFullVmConfig' }) }),
  route(/^\/machine-config$/, {
    GET: () => ({ type: 'GetMachineConfig' }),
    PUT: (b) => ({ type: 'PutMachineConfig', config: body(b, V.machineConfig) }),
    PATCH: (b) => ({ type: 'PatchMachineConfig', update: body(b, V.machineConfigUpdate) }),
  }),
  route(/^\/boot-source$/, {
    PUT: (b) => ({ type: 'ConfigureBootSource', config: body(b, V.bootSource) }),
  }),
  route(/^\/drives(?:\/([^/]*))?$/, {
    PUT: (b, id) => {
      const config = body(b, V.drive);
      sameId(id, config.drive_id);
      return { type: 'InsertDrive', config };
    },
    PATCH: (b, id) => {
      const update = body(b, V.partialDrive);
      sameId(id, update.drive_id);
      return { type: 'UpdateDrive', update };
    },
  }),
  route(/^\/network-interfaces(?:\/([^/]*))?$/, {
    PUT: (b, id) => {
      const config = body(b, V.networkInterface);
      sameId(id, config.iface_id);
      return { type: 'InsertNetworkInterface', config };
    },
    PATCH: (b, id) => {
      const update = body(b, V.partialNetworkInterface);
      sameId(id, update.iface_id);
      return { type: 'UpdateNetworkInterface', update };
    },
  }),
  route(/^\/vsock$/, { PUT: (b) => ({ type: 'SetVsock', config: body(b, V.vsock) }) }),
  route(/^\/entropy$/, { PUT: (b) => ({ type: 'SetEntropy', config: body(b, V.entropy) }) }),
  route(/^\/balloon$/, {
    GET: () => ({ type: 'GetBalloonConfig' }),
    PUT: (b) => ({ type: 'SetBalloon', config: body(b, V.balloon) }),
    PATCH: (b) => ({ type: 'UpdateBalloon', update: body(b, V.balloonUpdate) }),
  }),
  route(/^\/balloon\/statistics$/, {
    GET: () => ({ type: 'GetBalloonStats' }),
    PATCH: (b) => ({ type: 'UpdateBalloonStatistics', update: body(b, V.balloonStatsUpdate) }),
  }),
  route(/^\/logger$/, { PUT: (b) => ({ type: 'ConfigureLogger', config: body(b, V.logger) }) }),
  route(/^\/metrics$/, { PUT: (b) => ({ type: 'ConfigureMetrics', config: body(b, V.metrics) }) }),
  route(/^\/mmds$/, {
    GET: () => ({ type: 'GetMmds' }),
    PUT: (b) => ({ type: 'PutMmds', data: body(b, anyJson) }),
    PATCH: (b) => ({ type: 'PatchMmds', patch: body(b, anyJson) }),
  }),
  route(/^\/mmds\/config$/, {
    PUT: (b) => ({ type: 'SetMmdsConfig', config: body(b, V.mmdsConfig) }),
  }),
  route(/^\/actions$/, {
    PUT: (b) => ({ type: body(b, V.instanceAction).action_type }),
  }),
  route(/^\/vm$/, {
    PATCH: (b) => ({ type: body(b, V.vmState).state === 'Paused' ? 'Pause' : 'Resume' }),
  }),
  route(/^\/snapshot\/create$/, {
    PUT: (b) => ({ type: 'CreateSnapshot', params: body(b, V.snapshotCreate) }),
  }),
  route(/^\/snapshot\/load$/, {
    PUT: (b) => ({ type: 'LoadSnapshot', params: body(b, V.snapshotLoad) }),
  }),
];

export function parseRequest(
  method: string,
  rawPath: string,
  requestBody: string | undefined,
  options: ParseOptions = {},
): ParseResult {
  const verb = method.toUpperCase();
  const path = normalisePath(rawPath);
  const invalid = `Invalid request method and/or path: ${verb} ${path}.`;
  if (UNSUPPORTED.test(path)) return fault(400, `${path} is not supported by Kindling.`);
  const match = findRoute(path);
  if (!match) return fault(404, invalid);
  const handler = isMethod(verb) ? match.route.methods[verb] : undefined;
  if (!handler) return fault(405, invalid);
  const limit = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const hasBody = requestBody !== undefined && requestBody.length > 0;
  if (verb === 'GET' && hasBody) return fault(400, 'GET request cannot have a body.');
  if (verb !== 'GET' && !hasBody) return fault(400, `Empty ${verb} request.`);
  if (hasBody && utf8Length(requestBody) > limit) {
    return fault(
      400,
      `Request payload with size ${utf8Length(requestBody)} is larger than the limit of ${limit} allowed by server.`,
    );
  }
  try {
    const id = match.id === undefined ? undefined : V.resourceId(decodeSegment(match.id), 'id');
    return { ok: true, action: handler(hasBody ? requestBody : undefined, id) };
  } catch (e) {
    if (e instanceof RequestFault) return fault(400, e.message);
    if (e instanceof ValidationError) return fault(400, e.message);
    return fault(400, `Invalid request: ${String(e)}`);
  }
}

/** A failure that is reported verbatim (not as a body deserialisation error). */
class RequestFault extends Error {}

/** Parses and validates a body; validation errors carry Firecracker's deserialisation prefix. */
function body<T>(text: string | undefined, check: Check<T>): T {
  try {
    return check(parseJson(text), '');
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new RequestFault(
        `An error occurred when deserializing the json body of a request: ${e.message}.`,
      );
    }
    throw e;
  }
}

const anyJson: Check<JsonValue> = (value) => value as JsonValue;

function sameId(fromPath: string | undefined, fromBody: string): void {
  if (fromPath === undefined) throw new RequestFault('The ID cannot be empty.');
  if (fromPath !== fromBody) {
    throw new RequestFault(
      `The id from the path [${fromPath ?? ''}] does not match the id from the body [${fromBody}]!`,
    );
  }
}

function route(pattern: RegExp, methods: Route['methods']): Route {
  return { pattern, methods };
}

function findRoute(path: string): { route: Route; id: string | undefined } | undefined {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) return { route: r, id: m[1] };
  }
  return undefined;
}

function normalisePath(raw: string): string {
  const withoutQuery = raw.split('?')[0] ?? '';
  const path = withoutQuery.startsWith('/') ? withoutQuery : `/${withoutQuery}`;
  return path.length > 1 && path.endsWith('/') && !path.endsWith('//') ? path.slice(0, -1) : path;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // left as-is: the id check refuses the '%'
  }
}

function isMethod(verb: string): verb is Method {
  return verb === 'GET' || verb === 'PUT' || verb === 'PATCH';
}

function fault(status: 400 | 404 | 405, message: string): ParseResult {
  return { ok: false, status, fault: message };
}
