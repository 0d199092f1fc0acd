import { spawnSync } from 'node:child_process';

/** Whether `command` is on the PATH (peers such as QEMU are optional: a missing one is skipped). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
