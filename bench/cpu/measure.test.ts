import { describe, expect, it } from 'vitest';
import { parseChecksum, parseInstructionCount, parseTranslatedShare, timeProcess } from './measure';

describe('parseInstructionCount', () => {
  it('reads the count from the runner report line', () => {
    const stderr = 'rv: 104279609 instructions in 2.861 s (36.5 MIPS)\n';
    expect(parseInstructionCount(stderr)).toBe(104279609);
  });
  it('is undefined when the runner printed no report', () => {
    expect(parseInstructionCount('rv: test finisher: FAIL with code 3\n')).toBeUndefined();
  });
});

describe('parseTranslatedShare', () => {
  it('reads the JIT line of the runner report, absent with the interpreter', () => {
    const stderr =
      'rv: 10 instructions in 1.000 s (0.0 MIPS)\nrv: jit: 99.9 % translated, 87 blocks\n';
    expect(parseTranslatedShare(stderr)).toBe(99.9);
    expect(parseTranslatedShare('rv: 10 instructions in 1.000 s (0.0 MIPS)\n')).toBeUndefined();
  });
});

describe('parseChecksum', () => {
  it('finds the checksum a benchmark prints', () => {
    expect(parseChecksum('crc32 checksum 0x00000000cc5188a0\nPASS\n')).toBe('0x00000000cc5188a0');
    expect(parseChecksum('PASS\n')).toBeUndefined();
  });
});

describe('timeProcess', () => {
  it('captures output and exit code of a real process', async () => {
    const run = await timeProcess(
      process.execPath,
      ['-e', 'console.log("hi"); process.exit(3)'],
      '.',
      10_000,
    );
    expect(run.stdout).toBe('hi\n');
    expect(run.exitCode).toBe(3);
    expect(run.ms).toBeGreaterThan(0);
  });
});
