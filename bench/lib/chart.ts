/**
 * A dependency-free SVG chart per benchmark: for each figure, one bar per side (Kindling, peer) at
 * the median with a whisker from min to max. Bars of one figure share a scale; figures do not (they
 * have different units), so each figure gets its own row with its own axis maximum.
 */
import type { BenchOutput } from './schema';
import { fmt, summarize } from './stats';

const ROW_HEIGHT = 74;
const LABEL_WIDTH = 230;
const PLOT_WIDTH = 420;
const VALUE_WIDTH = 150;
const COLORS = { ours: '#e2561b', peer: '#5b6b7f' };

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderChart(output: BenchOutput): string {
  const rows = output.results;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const height = 40 + rows.length * ROW_HEIGHT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(output.benchmark)}</text>`,
    `<text x="${LABEL_WIDTH}" y="20" fill="${COLORS.ours}">■ Kindling</text>`,
    `<text x="${LABEL_WIDTH + 90}" y="20" fill="${COLORS.peer}">■ peer</text>`,
    `<text x="${LABEL_WIDTH + 150}" y="20" fill="#666">bar = median, whisker = min…max</text>`,
  ];
  rows.forEach((result, i) => {
    const top = 36 + i * ROW_HEIGHT;
    const ours = summarize(result.ours);
    const peer = result.peer ? summarize(result.peer.values) : undefined;
    const scaleMax = Math.max(ours.max, peer?.max ?? 0) || 1;
    const x = (v: number) => LABEL_WIDTH + (Math.max(0, v) / scaleMax) * (PLOT_WIDTH - 10);
    const direction = result.higherIsBetter ? 'higher is better' : 'lower is better';
    parts.push(
      // The figure's name on its own full-width line; unit and direction beside the bars.
      `<text x="8" y="${top + 14}" font-weight="bold">${escapeXml(result.name)}</text>`,
      `<text x="8" y="${top + 36}" fill="#666">${escapeXml(`${result.unit}, ${direction}`)}</text>`,
    );
    const bars: [typeof ours, string, string][] = [
      [ours, COLORS.ours, result.oursLabel ?? 'Kindling'],
    ];
    if (peer && result.peer) bars.push([peer, COLORS.peer, result.peer.name]);
    bars.forEach(([s, color, label], j) => {
      const y = top + 22 + j * 22;
      if (s.n === 0) return;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${(x(s.median) - LABEL_WIDTH).toFixed(1)}" height="16" fill="${color}"><title>${escapeXml(label)}</title></rect>`,
        `<line x1="${x(s.min).toFixed(1)}" x2="${x(s.max).toFixed(1)}" y1="${y + 8}" y2="${y + 8}" stroke="#111" stroke-width="1.5"/>`,
        `<line x1="${x(s.min).toFixed(1)}" x2="${x(s.min).toFixed(1)}" y1="${y + 3}" y2="${y + 13}" stroke="#111"/>`,
        `<line x1="${x(s.max).toFixed(1)}" x2="${x(s.max).toFixed(1)}" y1="${y + 3}" y2="${y + 13}" stroke="#111"/>`,
        `<text x="${LABEL_WIDTH + PLOT_WIDTH}" y="${y + 12}">${escapeXml(fmt(s.median))}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}
