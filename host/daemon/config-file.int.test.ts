/**
 * `kindling-host --config-file vm.json --no-api` as a child process: boots straight away, the shell
 * answers on stdout/stdin (and reads the `--metadata` file over MMDS), and a guest power-off ends the daemon with exit code 0. Also the CLI's
 * refusals (unknown flag, --engine kvm without a KVM engine) exit 1 with a clear message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_MARKER, DaemonProcess, SHELL_PROMPT } from './test-support/daemon-process';
import { bootSource } from './test-support/images';

const dir = mkdtempSync(join(tmpdir(), 'kindling-config-'));
const daemons: DaemonProcess[] = [];

function spawnDaemon(args: string[]): DaemonProcess {
  const daemon = new DaemonProcess(args);
  daemons.push(daemon);
  return daemon;
}

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
});

describe('kindling-host --config-file --no-api', () => {
  it('boots from the file, answers a command, exits 0 when the guest powers off', async () => {
    const config = join(dir, 'vm.json');
    const log = join(dir, 'daemon.log');
    const metrics = join(dir, 'metrics.json');
    writeFileSync(
      config,
      JSON.stringify({
        'boot-source': bootSource(),
        'machine-config': { vcpu_count: 2, mem_size_mib: 128 },
        'network-interfaces': [{ iface_id: 'eth0', host_dev_name: 'none' }],
        'mmds-config': { version: 'V1', network_interfaces: ['eth0'] },
      }),
    );
    const metadata = join(dir, 'metadata.json');
    writeFileSync(
      metadata,
      JSON.stringify({ latest: { 'meta-data': { 'ami-id': 'ami-from-file' } } }),
    );
    const daemon = spawnDaemon([
      '--no-api',
      '--config-file',
      config,
      '--metadata',
      metadata,
      '--engine',
      'wasm',
      '--log-path',
      log,
      '--level',
      'Debug',
      '--boot-timer',
      '--metrics-path',
      metrics,
    ]);
    await daemon.waitForOutput(BOOT_MARKER, 90_000);
    await daemon.waitForOutput(SHELL_PROMPT, 30_000);
    await daemon.runCommand('echo cpus-$(grep -c ^processor /proc/cpuinfo)', 'cpus-2');
    // The guest reads the --metadata file over its interface (MMDS, no host networking).
    await daemon.runCommand(
      'ip link set eth0 up; ip addr add 169.254.0.2/16 dev eth0; echo mmds-$(wget -qO- http://169.254.169.254/latest/meta-data/ami-id)',
      'mmds-ami-from-file',
    );
    daemon.child.stdin.write('poweroff -f\n');
    const exit = await daemon.exited;
    expect(exit.code).toBe(0);
    const logText = readFileSync(log, 'utf8');
    expect(logText).toMatch(/\[anonymous-instance:Info\] engine: wasm/);
    expect(logText).toMatch(/guest stopped: the guest powered off/);
    expect(logText).toMatch(/Guest-boot-time = \d+ us/);
    const lines = readFileSync(metrics, 'utf8').trim().split('\n');
    // One line when --metrics-path is applied, one as the guest stops.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const last = JSON.parse(lines[lines.length - 1]!) as { vmm: { bootTimeUs: number } };
    expect(last.vmm.bootTimeUs).toBeGreaterThan(0);
  });

  it('refuses an unknown flag with the usage, and --engine kvm with the reason (exit 1)', async () => {
    const unknown = spawnDaemon(['--api-sock', join(dir, 'x.sock'), '--frobnicate']);
    const noConfig = spawnDaemon(['--no-api']);
    const kvm = spawnDaemon(['--api-sock', join(dir, 'k.sock'), '--engine', 'kvm']);
    const codes = await Promise.all(
      [unknown, noConfig, kvm].map(async (d) => (await d.exited).code),
    );
    expect(codes).toEqual([1, 1, 1]);
    expect(unknown.stderr).toMatch(/unknown argument "--frobnicate"/);
    expect(unknown.stderr).toMatch(/usage:/);
    expect(noConfig.stderr).toMatch(/--no-api requires --config-file/);
    expect(kvm.stderr).toMatch(/--engine kvm: /);
  });
});
