import { useEffect, useRef, useState } from 'react';
import type { UiVm } from '../vm/ui-vm';
import { computeRates, formatRate, type LiveRates, type MetricsSample } from './metrics-rates';
import { useVirtqueueRates } from './use-virtqueue-rates';

const HISTORY = 60;

function Sparkline({ values }: { values: number[] }) {
  if (values.length < 2) return <svg className="sparkline" />;
  const max = Math.max(...values, 1);
  const points = values
    .map((v, i) => `${(i / (HISTORY - 1)) * 100},${30 - (v / max) * 28}`)
    .join(' ');
  return (
    <svg className="sparkline" viewBox="0 0 100 30" preserveAspectRatio="none">
      <polyline
        points={points}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}

/** ~1 Hz counters: instructions per second (from instret deltas), exits, interrupts, PLIC. */
export function LiveStats({ vm, active }: { vm: UiVm; active: boolean }) {
  const [rates, setRates] = useState<LiveRates | undefined>(undefined);
  const [uptime, setUptime] = useState(0);
  const history = useRef<number[]>([]);
  const queueRates = useVirtqueueRates(vm, active);

  useEffect(() => {
    if (!active) return;
    let previous: MetricsSample | undefined;
    let live = true;
    const poll = async () => {
      const metrics = await vm.api?.metrics().catch(() => undefined);
      if (!live || !metrics) return;
      const sample = { atMs: performance.now(), metrics };
      if (previous) {
        const next = computeRates(previous, sample);
        history.current = [...history.current, next.ips].slice(-HISTORY);
        setRates(next);
      }
      setUptime(metrics.uptimeMs);
      previous = sample;
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [vm, active]);

  const tiles: [string, string, string][] = rates
    ? [
        ['exits/s', formatRate(rates.exitsPerSec), 'MMIO exits the VMM worker answered'],
        ['irq/s', formatRate(rates.interruptsPerSec), 'interrupts taken by the harts'],
        ['PLIC claims/s', formatRate(rates.plicClaimsPerSec), 'external interrupts claimed'],
        ['SBI calls/s', formatRate(rates.sbiCallsPerSec), 'ecalls into the machine-provided SBI'],
        ['TLB misses/s', formatRate(rates.tlbMissesPerSec), 'page-table walks'],
        ['console B/s', formatRate(rates.consoleBytesPerSec), 'bytes out of the UART'],
      ]
    : [];
  return (
    <div className="stats" data-testid="live-stats">
      <div className="stats-head">
        <span className="panel-title">Live</span>
        <span className="muted small">up {(uptime / 1000).toFixed(0)} s</span>
      </div>
      <div className="ips">
        <span className="ips-value" data-testid="ips">
          {rates ? formatRate(rates.ips) : '—'}
        </span>
        <span className="muted small">guest instr/s</span>
        <Sparkline values={history.current} />
      </div>
      {rates && rates.ipsPerHart.length > 1 && (
        <div className="per-hart small muted">
          {rates.ipsPerHart.map((v, h) => (
            <span key={h}>
              hart {h}: {formatRate(v)}
            </span>
          ))}
        </div>
      )}
      <dl className="tiles">
        {tiles.map(([label, value, title]) => (
          <div key={label} title={title}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {rates?.jit && (
        <dl className="tiles" data-testid="jit-stats">
          <div title="share of the instructions run in the last second that ran as translated WebAssembly (whole run in brackets)">
            <dt>JIT translated</dt>
            <dd>
              {(rates.jit.translatedShare * 100).toFixed(0)} %{' '}
              <span className="muted small">
                ({(rates.jit.translatedShareTotal * 100).toFixed(0)} %)
              </span>
            </dd>
          </div>
          <div title="guest blocks translated so far / blocks in the translation caches now">
            <dt>blocks / cache</dt>
            <dd>
              {formatRate(rates.jit.blocksCompiled)} / {formatRate(rates.jit.cacheSize)}
            </dd>
          </div>
          <div title="time spent translating and compiling blocks (all harts), WebAssembly produced">
            <dt>compile</dt>
            <dd>
              {(rates.jit.compileMs / 1000).toFixed(1)} s{' '}
              <span className="muted small">{formatRate(rates.jit.wasmBytes)}B</span>
            </dd>
          </div>
          {rates.jit.heatThreshold > 0 && (
            <div title="mixed mode: instructions the interpreter runs from a jump target before the code there is translated; lower once the whole guest has been idle (its start-up is over)">
              <dt>hot after</dt>
              <dd>{formatRate(rates.jit.heatThreshold)} instr.</dd>
            </div>
          )}
        </dl>
      )}
      {queueRates.length > 0 && (
        <div className="queue-rates" data-testid="virtqueue-rates">
          <span className="muted small">virtio requests/s</span>
          {queueRates.map((q) => (
            <span key={q.device} className="small">
              {q.device} <b>{formatRate(q.perSec)}</b>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
