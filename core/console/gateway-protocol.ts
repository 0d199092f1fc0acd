/**
 * The remote-console protocol between the playground (remote mode) and the host gateway, shared by
 * both sides. Browsers cannot set headers on a WebSocket, so the client offers two subprotocols:
 * the console protocol, which the server selects, and one carrying the token, which it never echoes.
 *
 *   GET  /api/vms                      → VmSummary[]          (Authorization: Bearer TOKEN)
 *   POST /api/vms/{id}/actions         ← { "action": "pause" | "resume" | "ctrl-alt-del" }
 *   WS   /api/vms/{id}/console[?mode=write]
 *        server → client: text {"type":"hello","vm":ID,"role":"writer"|"viewer"}, then the
 *        scrollback as one binary frame, then live output as binary frames;
 *        client → server: binary keystrokes (accepted from the writer only).
 */
export const CONSOLE_SUBPROTOCOL = 'kindling.console.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'kindling-token.';

export function consoleSubprotocols(token: string): string[] {
  return [CONSOLE_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token];
}

export interface VmSummary {
  id: string;
  arch: 'riscv64' | 'x86_64';
  engine: 'wasm' | 'kvm';
  state: 'NotStarted' | 'Running' | 'Paused' | 'Stopped';
  vcpus: number;
  memMib: number;
}

export type VmControlAction = 'pause' | 'resume' | 'ctrl-alt-del';
export const VM_CONTROL_ACTIONS: readonly VmControlAction[] = ['pause', 'resume', 'ctrl-alt-del'];

export interface ConsoleHello {
  type: 'hello';
  vm: string;
  role: 'writer' | 'viewer';
}
