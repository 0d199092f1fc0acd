import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonLogger } from './logger';

describe('DaemonLogger', () => {
  it('filters by level and follows PUT /logger to a file', () => {
    const lines: string[] = [];
    const logger = new DaemonLogger('vm7', {
      level: 'Warning',
      sink: { write: (l) => lines.push(l) },
    });
    logger.info('hidden');
    logger.warn('shown');
    logger.error('also shown');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[vm7:Warning\] shown\n$/);

    const path = join(mkdtempSync(join(tmpdir(), 'kindling-log-')), 'log');
    logger.configure({ log_path: path, level: 'Debug', show_level: false });
    logger.debug('to the file');
    expect(readFileSync(path, 'utf8')).toMatch(/\[vm7\] to the file\n$/);
    expect(lines).toHaveLength(2);
  });

  it('never throws when the log file cannot be written', () => {
    const logger = new DaemonLogger('x');
    logger.configure({ log_path: '/nonexistent-dir/sub/log' });
    expect(() => logger.error('dropped')).not.toThrow();
    logger.configure({ level: 'Off' });
    expect(logger.enabled('Error')).toBe(false);
  });
});
