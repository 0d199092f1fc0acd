import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsWriter } from './metrics-writer';

describe('MetricsWriter', () => {
  it('writes a line when given a path, then periodically, and on flush', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kindling-metrics-')), 'm.json');
    let n = 0;
    const writer = new MetricsWriter(
      () => JSON.stringify({ n: n++ }),
      () => undefined,
      40,
    );
    writer.flush(); // no destination yet: nothing happens
    expect(n).toBe(0);
    writer.setPath(path);
    await new Promise((r) => setTimeout(r, 130));
    writer.flush();
    writer.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { n: number });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.map((l) => l.n)).toEqual(lines.map((_, i) => i));
  });

  it('reports a failed write instead of throwing', () => {
    const errors: string[] = [];
    const writer = new MetricsWriter(
      () => '{}',
      (m) => errors.push(m),
    );
    writer.setPath('/nonexistent-dir/x/metrics');
    writer.close();
    expect(errors[0]).toMatch(/cannot write metrics to \/nonexistent-dir/);
    expect(writer.linesWritten).toBe(0);
  });
});
