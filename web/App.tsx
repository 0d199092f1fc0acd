import { useEffect, useState } from 'react';
import type { IsolationState } from './env/isolation';
import { probeSharedMemory, type ProbeResult } from './env/shared-memory-probe';
import { Playground } from './Playground';

export function App({ isolation }: { isolation: IsolationState }) {
  const [probe, setProbe] = useState<ProbeResult | null>(null);

  useEffect(() => {
    if (isolation.kind !== 'isolated') return;
    let live = true;
    probeSharedMemory().then(
      (result) => live && setProbe(result),
      (error: unknown) =>
        live && setProbe({ ok: false, value: 0, roundTripMs: 0, detail: String(error) }),
    );
    return () => {
      live = false;
    };
  }, [isolation.kind]);

  if (isolation.kind === 'unavailable') {
    return (
      <main className="app">
        <header className="app-header">
          <h1>Kindling</h1>
          <p className="tagline">Firecracker-style microVMs, in your browser tab.</p>
        </header>
        <section role="alert" className="banner banner-error" data-testid="isolation-error">
          <h2>This browser cannot run Kindling VMs here</h2>
          <p>{isolation.reason}</p>
        </section>
      </main>
    );
  }

  const status = (
    <div
      className={`env-status${probe && !probe.ok ? ' env-status-error' : ''}`}
      data-testid="shared-memory-status"
    >
      {probe === null
        ? 'Checking shared memory…'
        : probe.ok
          ? `Shared memory ready: ${probe.detail}, round trip ${probe.roundTripMs.toFixed(2)} ms.`
          : `Shared memory check failed: ${probe.detail}.`}
    </div>
  );
  return <Playground banner={status} />;
}
