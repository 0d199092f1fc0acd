import type { BootTimeline } from '../vm/boot-timeline';
import type { DownloadProgress } from '../machine/image-manifest';

const STAGES: { key: keyof BootTimeline; label: string; hint: string }[] = [
  { key: 'kernelMs', label: 'kernel', hint: 'first console output' },
  { key: 'initMs', label: 'init', hint: 'Run /init' },
  { key: 'shellMs', label: 'shell', hint: 'boot complete' },
];

/** start → kernel → init → shell, each with its time since InstanceStart. */
export function BootTimelineView({ timeline }: { timeline: BootTimeline }) {
  const start = timeline.startMs;
  const total =
    start !== undefined && timeline.shellMs !== undefined ? timeline.shellMs - start : undefined;
  if (start === undefined) {
    return (
      <div className="timeline" data-testid="boot-timeline">
        <span className="panel-title">Boot timeline</span>
        <p className="muted small">No boot here: this VM was restored from a snapshot.</p>
      </div>
    );
  }
  return (
    <div className="timeline" data-testid="boot-timeline">
      <div className="timeline-head">
        <span className="panel-title">Boot timeline</span>
        {total !== undefined && <span className="pill">{(total / 1000).toFixed(2)} s</span>}
      </div>
      <ol>
        <li className={start !== undefined ? 'done' : ''}>
          <span className="dot" />
          <span>start</span>
          <span className="muted">InstanceStart</span>
          <span className="num">{start !== undefined ? '0 ms' : ''}</span>
        </li>
        {STAGES.map(({ key, label, hint }) => {
          const at = timeline[key];
          return (
            <li key={key} className={at !== undefined ? 'done' : ''}>
              <span className="dot" />
              <span>{label}</span>
              <span className="muted">{hint}</span>
              <span className="num">
                {at !== undefined && start !== undefined ? `${(at - start).toFixed(0)} ms` : '…'}
              </span>
            </li>
          );
        })}
      </ol>
      {timeline.guestBootUs !== undefined && (
        <p className="muted small">
          guest boot timer: {(timeline.guestBootUs / 1000).toFixed(0)} ms
        </p>
      )}
    </div>
  );
}

/** Download and decompression progress of the image files. */
export function DownloadProgressView({ progress }: { progress: Record<string, DownloadProgress> }) {
  const entries = Object.values(progress);
  if (entries.length === 0) return null;
  return (
    <div className="downloads" data-testid="download-progress">
      <span className="panel-title">Images</span>
      {entries.map((p) => (
        <div key={p.file} className="download">
          <span className="download-name">{p.file}</span>
          <progress max={p.total} value={p.received} />
          <span className="num">{(p.received / 1048576).toFixed(1)} MiB</span>
        </div>
      ))}
    </div>
  );
}
