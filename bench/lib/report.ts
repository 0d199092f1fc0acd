/** Renders bench/results/REPORT.md from a merged run: machine facts, then one table + chart per benchmark. */
import type { BenchRun } from './schema';
import { advantage, fmt, summarize } from './stats';

function cell(values: readonly number[] | undefined): string {
  if (!values || values.length === 0) return '—';
  const s = summarize(values);
  return `${fmt(s.min)} / **${fmt(s.median)}** / ${fmt(s.max)} (n=${s.n})`;
}

export function renderReport(run: BenchRun, chartFile: (benchmark: string) => string): string {
  const m = run.machine;
  const lines = [
    '# Kindling benchmark report',
    '',
    `Run started ${run.startedAt}, took ${run.durationS.toFixed(0)} s. Method for each benchmark: bench/README.md.`,
    'Figures are min / **median** / max over the runs. "vs peer" is how many times better Kindling is',
    'than the peer measured in the same run (> 1: Kindling ahead; < 1: behind), whichever way the metric points.',
    '',
    '## Machine',
    '',
    '| fact | value |',
    '| --- | --- |',
    `| CPU | ${m.cpuModel} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} |`,
    `| Chromium | ${m.chromium ?? 'not installed'} |`,
    `| qemu-system-riscv64 | ${m.qemuRiscv64 ?? 'not installed'} |`,
    `| qemu-system-x86_64 | ${m.qemuX86_64 ?? 'not installed'} |`,
    `| /dev/kvm | ${m.kvm} |`,
    `| load average at start (1 min) | ${m.loadAverage ?? 'not recorded'} |`,
    '',
  ];
  for (const b of run.benchmarks) {
    lines.push(`## ${b.benchmark}`, '');
    if (b.skippedWhole) {
      lines.push(`Skipped: ${b.skippedWhole}`, '');
      continue;
    }
    if (b.results.length > 0) {
      lines.push(
        '| figure | unit | Kindling (min / median / max) | peer | peer (min / median / max) | vs peer |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const r of b.results) {
        const adv = advantage(r.ours, r.peer?.values, r.higherIsBetter);
        const name = r.oursLabel ? `${r.name} (${r.oursLabel})` : r.name;
        lines.push(
          `| ${name} | ${r.unit}${r.higherIsBetter ? ' ↑' : ' ↓'} | ${cell(r.ours)} | ${r.peer?.name ?? 'none'} | ${cell(r.peer?.values)} | ${adv === undefined ? '—' : `${fmt(adv)}×`} |`,
        );
      }
      lines.push('', `![${b.benchmark}](${chartFile(b.benchmark)})`, '');
      const notes = b.results.filter((r) => r.note);
      for (const r of notes) lines.push(`- ${r.name}: ${r.note}`);
      if (notes.length) lines.push('');
    }
    for (const s of b.skipped ?? []) lines.push(`- skipped ${s.name}: ${s.reason}`);
    if (b.skipped?.length) lines.push('');
  }
  return lines.join('\n');
}
