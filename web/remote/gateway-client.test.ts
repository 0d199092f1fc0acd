import { describe, it, expect } from 'vitest';
import { consoleUrl, gatewayBase, GatewayError } from './gateway-client';

describe('gateway URLs', () => {
  it('accepts host:port and full URLs', () => {
    expect(gatewayBase('127.0.0.1:8080').href).toBe('http://127.0.0.1:8080/');
    expect(gatewayBase(' https://vmm.example/kindling ').href).toBe(
      'https://vmm.example/kindling/',
    );
  });
  it('rejects what is not a gateway URL', () => {
    expect(() => gatewayBase('ftp://x')).toThrow(GatewayError);
    expect(() => gatewayBase('http://')).toThrow(GatewayError);
  });
  it('builds console WebSocket URLs, writer mode as a query', () => {
    const base = gatewayBase('http://h:1/');
    expect(consoleUrl(base, 'vm 1', false)).toBe('ws://h:1/api/vms/vm%201/console');
    expect(consoleUrl(gatewayBase('https://h/'), 'a', true)).toBe(
      'wss://h/api/vms/a/console?mode=write',
    );
  });
});
