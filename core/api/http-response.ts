import type { ControllerResponse } from './controller';
import type { ParseResult } from './parse-request';

/** An API answer ready for the wire: status and JSON text (no body for 204). */
export interface WireResponse {
  status: number;
  body?: string;
}

/**
 * Serialises a parse failure or a controller response the way Firecracker answers: JSON bodies,
 * faults as `{"fault_message": "..."}`, 204 with no body. Shared by the HTTP server and the
 * browser facade so both transports answer byte for byte alike.
 */
export function toWireResponse(
  response: ControllerResponse | Extract<ParseResult, { ok: false }>,
): WireResponse {
  if ('ok' in response) {
    return { status: response.status, body: JSON.stringify({ fault_message: response.fault }) };
  }
  switch (response.status) {
    case 200:
      return { status: 200, body: JSON.stringify(response.body) };
    case 204:
      return { status: 204 };
    case 400:
      return { status: 400, body: JSON.stringify({ fault_message: response.fault_message }) };
  }
}
