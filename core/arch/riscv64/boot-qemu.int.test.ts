/**
 * Cross-check against a real Linux boot: QEMU's `virt` board has our memory map, so booting the
 * project's riscv64 kernel there with *our* device tree (-dtb) and our initrd placement (loaded raw
 * at the planned address, named only by our /chosen) proves the tree is one Linux 6.1 accepts:
 * harts, sstc, PLIC contexts, UART, initrd. QEMU runs OpenSBI here (our SBI is tested in unit
 * tests); only the tree and the placement are under test.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRiscvBoot } from './boot';
import { haveGuestImages, loadInitrd, loadKernelImage } from '../../../test-support/guest-images';

const qemu = '/usr/bin/qemu-system-riscv64';
const haveQemu = existsSync(qemu);
if (!haveQemu) console.log(`${qemu} not found: skipping the QEMU boot cross-check`);

const MARKER = 'kindling: boot complete';

/** Boot, run `commands` once the marker appears, return the console output when QEMU exits. */
function bootInQemu(args: string[], commands: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(qemu, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let sent = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`QEMU boot timed out; console so far:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!sent && output.includes(MARKER)) {
        sent = true;
        child.stdin.write(commands);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describe.skipIf(!haveQemu || !haveGuestImages)('riscv64 device tree in a real Linux boot', () => {
  it('boots the project kernel on QEMU virt with our DTB and initrd placement', async () => {
    const kernel = loadKernelImage();
    const initrd = loadInitrd();
    const ramSize = 128 * 1024 * 1024;
    const plan = planRiscvBoot({
      kernel,
      initrd,
      machine: { harts: 2, ramSize, bootargs: 'console=ttyS0 panic=-1', virtioSlots: [0, 1] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'kindling-rv-dtb-'));
    try {
      const files = {
        kernel: join(dir, 'Image'),
        dtb: join(dir, 'dtb'),
        initrd: join(dir, 'initrd'),
      };
      writeFileSync(files.kernel, kernel);
      writeFileSync(files.dtb, plan.dtb);
      writeFileSync(files.initrd, initrd);
      const initrdAt = `0x${plan.layout.initrd!.start.toString(16)}`;
      const output = await bootInQemu(
        [
          ...['-M', 'virt', '-smp', '2', '-m', '128M', '-nographic', '-bios', 'default'],
          ...['-kernel', files.kernel, '-dtb', files.dtb],
          ...['-device', `loader,file=${files.initrd},addr=${initrdAt},force-raw=on`],
        ],
        'cat /proc/cpuinfo\npoweroff -f\n',
        60_000,
      );
      expect(output).toContain('Machine model: Kindling RISC-V microVM');
      expect(output).toContain('Kernel command line: console=ttyS0 panic=-1');
      expect(output).toContain('Timer interrupt in S-mode is available via sstc extension');
      expect(output).toContain('plic@c000000: mapped 31 interrupts with 2 handlers for 4 contexts');
      expect(output).toContain('smp: Brought up 1 node, 2 CPUs');
      expect(output).toMatch(/10000000\.serial: ttyS0 at MMIO 0x10000000 .* is a 16550A/);
      expect(output).toContain('Freeing initrd memory');
      expect(output).toContain(MARKER);
      expect(output).toMatch(/isa\s+: rv64imafdc_sstc/);
      expect(output).toContain('reboot: Power down');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
