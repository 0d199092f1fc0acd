/**
 * `kindling-host serve` and `kindling-host gateway`: a `VmmHost` with its control socket, VMs from
 * `--vm` arguments, and (gateway) the remote-console gateway over it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway } from '../gateway/gateway-server';
import { isLoopback, type HostCommand } from './cli-args';
import type { EngineChoice } from './engine-choice';
import { VmmHost } from './vmm-host';

type MultiCommand = Extract<HostCommand, { mode: 'serve' | 'gateway' }>;

export async function runMultiVm(
  command: MultiCommand,
  engine: EngineChoice,
  exit: (code: number) => void,
): Promise<VmmHost> {
  const socketDir = command.socketDir ?? mkdtempSync(join(tmpdir(), 'kindling-host-'));
  mkdirSync(socketDir, { recursive: true });
  const host = new VmmHost({ socketDir, engine, common: command });
  host.logger.info(`engine: ${engine.kind} (${engine.reason})`);
  const controlPath = await host.listenControl();
  host.logger.info(`control socket ${controlPath}; VM API sockets in ${socketDir}`);
  let gateway: Gateway | undefined;
  const shutdown = (signal: string) => {
    host.logger.info(`${signal}: shutting down`);
    void Promise.all([gateway?.close(), host.close()]).finally(() => {
      // A socket directory we made up ourselves is ours to remove.
      if (command.socketDir === undefined) rmSync(socketDir, { recursive: true, force: true });
      exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  for (const vm of command.vms) {
    await host.create(vm.id, vm.configFile);
    host.logger.info(
      `VM ${vm.id}: API on ${host.socketPath(vm.id)}${vm.configFile ? `, booted from ${vm.configFile}` : ''}`,
    );
  }
  if (command.mode === 'gateway') {
    const token = readFileSync(command.tokenFile, 'utf8').trim();
    if (!isLoopback(command.listenHost)) {
      host.logger.warn(
        `!!! the gateway listens on ${command.listenHost}, NOT loopback: anyone who can reach this address and has the token controls these VMs' consoles. Put TLS and a firewall in front of it. !!!`,
      );
    }
    gateway = new Gateway({
      host: command.listenHost,
      port: command.listenPort,
      directory: host,
      token,
      allowOrigins: command.allowOrigins,
      maxConnectionsPerClient: command.maxConnectionsPerClient,
    });
    const address = await gateway.listen();
    host.logger.info(`gateway listening on http://${address.host}:${address.port}`);
  }
  return host;
}
