/**
 * The MMDS endpoint on one TCP connection: cuts HTTP requests out of the byte stream and writes
 * the responses back, one at a time (the next request is read once the previous response is
 * fully acknowledged, so at most one response is buffered per connection). Garbage, a request
 * larger than the receive buffer, or a request cut short by the peer's FIN gets a 400 and the
 * connection is closed.
 */
import type { MmdsRequest, MmdsResponse } from '../imds';
import { badRequest, parseHttpRequest, serializeHttpResponse } from './http-message';
import type { TcpApplication, TcpStream } from './tcp-connection';

export interface HttpEndpointEvents {
  request?(): void;
  badRequest?(): void;
}

export function httpEndpoint(
  serve: (request: MmdsRequest) => MmdsResponse,
  events: HttpEndpointEvents = {},
): TcpApplication {
  const reject = (stream: TcpStream, reason: string) => {
    events.badRequest?.();
    stream.write(serializeHttpResponse(badRequest(reason), false));
    stream.close();
  };
  return (stream) => {
    while (!stream.closing && stream.unacknowledged === 0) {
      const bytes = stream.received;
      if (bytes.length === 0) {
        if (stream.peerClosed) stream.close();
        return;
      }
      const parsed = parseHttpRequest(bytes);
      if (parsed.kind === 'incomplete') {
        if (stream.peerClosed) reject(stream, 'Incomplete request.');
        else if (bytes.length >= stream.receiveCapacity) reject(stream, 'Request too large.');
        return;
      }
      if (parsed.kind === 'invalid') return reject(stream, parsed.reason);
      stream.consume(parsed.consumed);
      events.request?.();
      stream.write(serializeHttpResponse(serve(parsed.request), parsed.keepAlive));
      if (!parsed.keepAlive) stream.close();
    }
  };
}
