import { useEffect, useReducer, useState } from 'react';
import type { VmSummary } from '../../core/console/gateway-protocol';
import { TerminalView } from '../console/TerminalView';
import type { Theme } from '../layout/use-theme';
import { GatewayError, RemoteConsole, controlVm, gatewayBase, listVms } from './gateway-client';

/** Remote mode: a host daemon's VMs (KVM or WASM engine) through its gateway. */
export function RemotePanel({ theme, visible }: { theme: Theme; visible: boolean }) {
  const [url, setUrl] = useState('http://127.0.0.1:8080');
  const [token, setToken] = useState('');
  const [vms, setVms] = useState<VmSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [writer, setWriter] = useState(false);
  const [console_, setConsole] = useState<RemoteConsole | undefined>(undefined);
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  useEffect(() => () => console_?.close(), [console_]);

  const refresh = async () => {
    setError(undefined);
    try {
      setVms(await listVms(gatewayBase(url), token));
    } catch (e) {
      setVms(undefined);
      setError(e instanceof GatewayError ? e.message : String(e));
    }
  };

  const attach = (id: string) => {
    console_?.close();
    try {
      setConsole(new RemoteConsole(gatewayBase(url), token, id, writer, rerender));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const act = (id: string, action: 'pause' | 'resume' | 'ctrl-alt-del') =>
    void controlVm(gatewayBase(url), token, id, action).then(refresh, (e: unknown) =>
      setError(String(e)),
    );

  return (
    <div className="remote" data-testid="remote-panel">
      <section className="card">
        <h2>Remote host</h2>
        <p className="muted">
          Connect to a Kindling host daemon in gateway mode: its microVMs (x86_64 on KVM, riscv64 on
          the WASM engine) listed over REST, their serial consoles over a WebSocket.
        </p>
        <form
          className="remote-form"
          onSubmit={(e) => {
            e.preventDefault();
            void refresh();
          }}
        >
          <input
            aria-label="Gateway URL"
            data-testid="remote-url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <input
            aria-label="Token"
            data-testid="remote-token"
            type="password"
            placeholder="token"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <label className="small">
            <input type="checkbox" checked={writer} onChange={(e) => setWriter(e.target.checked)} />{' '}
            writer (type into the console)
          </label>
          <button type="submit" className="primary" data-testid="remote-connect">
            List VMs
          </button>
        </form>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {vms && (
          <table className="data" data-testid="remote-vms">
            <thead>
              <tr>
                <th>id</th>
                <th>arch</th>
                <th>engine</th>
                <th>state</th>
                <th>vCPUs</th>
                <th>MiB</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {vms.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    The host runs no VMs.
                  </td>
                </tr>
              )}
              {vms.map((vm) => (
                <tr key={vm.id}>
                  <td>{vm.id}</td>
                  <td>{vm.arch}</td>
                  <td>{vm.engine}</td>
                  <td>{vm.state}</td>
                  <td className="num">{vm.vcpus}</td>
                  <td className="num">{vm.memMib}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => attach(vm.id)}>
                      Attach
                    </button>
                    <button
                      type="button"
                      onClick={() => act(vm.id, vm.state === 'Paused' ? 'resume' : 'pause')}
                    >
                      {vm.state === 'Paused' ? 'Resume' : 'Pause'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {console_ && (
        <section className="console-card remote-console">
          <div className="console-head">
            <span className={`status status-${console_.state === 'open' ? 'running' : 'stopped'}`}>
              {console_.state}
            </span>
            <span className="console-title">
              {console_.vmId} · {console_.role ?? '…'}
              {console_.state === 'closed' ? ` · ${console_.closeReason}` : ''}
            </span>
          </div>
          <TerminalView
            source={console_}
            theme={theme}
            visible={visible}
            syncRequest={0}
            testId="remote-terminal"
          />
        </section>
      )}
    </div>
  );
}
