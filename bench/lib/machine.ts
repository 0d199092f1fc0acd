/** Facts about the machine a run happened on, for the report. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { MachineFacts } from './schema';

function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return null;
  return r.stdout.split('\n')[0]?.trim() || null;
}

function kvmFacts(): string {
  if (!existsSync('/dev/kvm')) return 'absent';
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  const hw = /\b(vmx|svm)\b/.test(flags);
  const pvm = existsSync('/sys/module/kvm_pvm');
  if (pvm) return 'kvm_pvm (nested, page-table based; no hardware virtualization exposed)';
  return hw ? 'present, hardware virtualization (vmx/svm)' : 'present, no vmx/svm flags';
}

export function machineFacts(): MachineFacts {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: firstLine('/usr/bin/chromium', ['--version']),
    qemuRiscv64: firstLine('qemu-system-riscv64', ['--version']),
    qemuX86_64: firstLine('qemu-system-x86_64', ['--version']),
    kvm: kvmFacts(),
    loadAverage: Number(os.loadavg()[0]?.toFixed(2)),
  };
}
