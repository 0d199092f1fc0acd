/**
 * Decompile a DTB with the system's `dtc` (package device-tree-compiler) so tests can compare our
 * blobs against an independent parser. `dtcPath` is undefined when dtc is not installed; tests
 * must then skip with a printed reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const dtcPath: string | undefined = ['/usr/bin/dtc', '/usr/local/bin/dtc'].find((p) =>
  existsSync(p),
);

if (!dtcPath) console.log('dtc (device-tree-compiler) not found: skipping dtc cross-checks');

/** Run `dtc -I dtb -O dts` and return the source text and whatever dtc printed on stderr. */
export function decompileWithDtc(blob: Uint8Array): { dts: string; warnings: string } {
  if (!dtcPath) throw new Error('dtc is not installed');
  const result = spawnSync(dtcPath, ['-I', 'dtb', '-O', 'dts', '-'], { input: blob });
  if (result.status !== 0)
    throw new Error(`dtc failed (${result.status}): ${result.stderr.toString()}`);
  return { dts: result.stdout.toString(), warnings: result.stderr.toString() };
}
