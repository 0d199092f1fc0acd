/**
 * Time from spawning a process to a marker line on its output: how boot benchmarks time QEMU
 * (and anything else that boots on a console), killing the process once the marker is seen.
 */
import { spawn } from 'node:child_process';

export interface MarkerTiming {
  ms: number;
  output: string;
}

export function timeToMarker(
  command: string,
  args: string[],
  marker: string,
  timeoutMs: number,
): Promise<MarkerTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`no "${marker}" within ${timeoutMs} ms; last output:\n${output.slice(-800)}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('latin1');
      if (output.includes(marker)) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve({ ms, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
