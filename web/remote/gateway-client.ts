/**
 * Remote mode: the host daemon's gateway (core/console/gateway-protocol). REST with a bearer
 * token lists VMs; a console is a WebSocket whose subprotocols carry the token, with binary
 * frames both ways and one JSON hello first.
 */
import {
  consoleSubprotocols,
  type ConsoleHello,
  type VmControlAction,
  type VmSummary,
} from '../../core/console/gateway-protocol';
import { ConsoleFanout, type ConsoleSource } from '../console/console-source';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
}

/** Normalise what the user typed ("host:8080", "http://host:8080/") to a base URL. */
export function gatewayBase(input: string): URL {
  const text = input.trim();
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    url.pathname = url.pathname.replace(/\/*$/, '/');
    return url;
  } catch {
    throw new GatewayError(`"${input}" is not a gateway URL (try http://127.0.0.1:8080)`);
  }
}

export function consoleUrl(base: URL, vmId: string, writer: boolean): string {
  const url = new URL(`api/vms/${encodeURIComponent(vmId)}/console`, base);
  url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  if (writer) url.searchParams.set('mode', 'write');
  return url.toString();
}

async function call(
  base: URL,
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      ...init,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
  } catch (error) {
    throw new GatewayError(`cannot reach the gateway at ${base.origin}: ${String(error)}`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new GatewayError('the gateway refused the token');
  }
  if (!response.ok) throw new GatewayError(`${path}: HTTP ${response.status}`);
  return response;
}

export async function listVms(base: URL, token: string): Promise<VmSummary[]> {
  const body = (await (await call(base, token, 'api/vms')).json()) as unknown;
  if (!Array.isArray(body)) throw new GatewayError('the gateway answered /api/vms without a list');
  return body as VmSummary[];
}

export async function controlVm(
  base: URL,
  token: string,
  id: string,
  action: VmControlAction,
): Promise<void> {
  await call(base, token, `api/vms/${encodeURIComponent(id)}/actions`, {
    method: 'POST',
    body: JSON.stringify({ action }),
  });
}

export type RemoteConsoleState = 'connecting' | 'open' | 'closed';

/** A remote VM's console as a ConsoleSource; keystrokes are sent only in writer mode. */
export class RemoteConsole implements ConsoleSource {
  private readonly fanout = new ConsoleFanout();
  private readonly socket: WebSocket;
  role: ConsoleHello['role'] | undefined;
  state: RemoteConsoleState = 'connecting';
  closeReason = '';

  constructor(
    base: URL,
    token: string,
    readonly vmId: string,
    writer: boolean,
    private readonly onChange: () => void,
  ) {
    this.socket = new WebSocket(consoleUrl(base, vmId, writer), consoleSubprotocols(token));
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => this.set('open');
    this.socket.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) this.fanout.push(new Uint8Array(event.data));
      else if (typeof event.data === 'string') this.hello(event.data);
    };
    this.socket.onclose = (event) => {
      this.closeReason = event.reason || `connection closed (code ${event.code})`;
      this.set('closed');
    };
  }

  private hello(text: string): void {
    try {
      const message = JSON.parse(text) as Partial<ConsoleHello>;
      if (message.type === 'hello' && (message.role === 'writer' || message.role === 'viewer')) {
        this.role = message.role;
        this.onChange();
      }
    } catch {
      // Not JSON: not ours to show.
    }
  }

  private set(state: RemoteConsoleState): void {
    this.state = state;
    this.onChange();
  }

  subscribeOutput(onOutput: (bytes: Uint8Array) => void): () => void {
    return this.fanout.subscribe(onOutput);
  }

  send(bytes: Uint8Array): void {
    if (this.role === 'writer' && this.socket.readyState === WebSocket.OPEN)
      this.socket.send(bytes as Uint8Array<ArrayBuffer>);
  }

  tail(): string {
    return this.fanout.tail();
  }

  close(): void {
    this.socket.close();
  }
}
