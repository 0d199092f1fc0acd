// Boots the committed guest images under QEMU (TCG) and drives the busybox shell on the serial
// console: boot marker, echo round trip, Ctrl-C job control, ext4 disk over virtio-blk, and
// poweroff/reboot ending QEMU. Skips (with a printed reason) when QEMU is not installed.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const imagesRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'public/images');
const MARKER = 'kindling: boot complete';
const PROMPT = 'kindling:~# ';
const TEST_TIMEOUT = 90_000;
const BOOT_TIMEOUT = 60_000;

interface ImageSet {
  arch: string;
  cmdline: string;
  files: { role: string; path: string; compression: 'gzip' | 'none'; format: string }[];
}
const manifest = JSON.parse(readFileSync(join(imagesRoot, 'manifest.json'), 'utf8')) as {
  images: ImageSet[];
};

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const work = mkdtempSync(join(tmpdir(), 'kindling-qemu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes the (decompressed) content of a manifest file to the temp dir; returns its path. */
function materialize(arch: string, format: string): string {
  const set = manifest.images.find((s) => s.arch === arch);
  const file = set?.files.find((f) => f.format === format);
  if (!file) throw new Error(`manifest has no ${format} file for ${arch}`);
  const stored = readFileSync(join(imagesRoot, file.path));
  const out = join(work, `${arch}-${format}`);
  writeFileSync(out, file.compression === 'gzip' ? gunzipSync(stored) : stored);
  return out;
}

function cmdlineOf(arch: string): string {
  const set = manifest.images.find((s) => s.arch === arch);
  if (!set) throw new Error(`manifest has no ${arch} set`);
  return set.cmdline;
}

/** A QEMU process whose serial console is on stdio. */
class Console {
  output = '';
  private cursor = 0;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  readonly started = performance.now();

  constructor(bin: string, args: string[]) {
    this.proc = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString('latin1');
    };
    this.proc.stdout.on('data', append);
    this.proc.stderr.on('data', append);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  /** Waits until `text` appears after the last match; returns ms since QEMU started. */
  async waitFor(text: string, timeoutMs = BOOT_TIMEOUT): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const at = this.output.indexOf(text, this.cursor);
      if (at >= 0) {
        this.cursor = at + text.length;
        return performance.now() - this.started;
      }
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        throw new Error(`QEMU exited before "${text}". Output:\n${this.output.slice(-3000)}`);
      }
      if (performance.now() > deadline) {
        throw new Error(`timed out waiting for "${text}". Output:\n${this.output.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  send(text: string): void {
    this.proc.stdin.write(text);
  }

  /** Runs a shell command and waits for the next prompt. */
  async run(command: string, timeoutMs = 20_000): Promise<void> {
    this.send(`${command}\n`);
    await this.waitFor(PROMPT, timeoutMs);
  }

  async waitExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`QEMU did not exit. Output:\n${this.output.slice(-3000)}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

/** Shell checks shared by both architectures. */
async function exerciseShell(vm: Console): Promise<void> {
  await vm.waitFor(PROMPT, 30_000);
  // echo round trip: the arithmetic makes the expected text differ from the echoed command line
  const token = randomBytes(6).toString('hex');
  vm.send(`echo tok-$((6*7))-${token}\n`);
  await vm.waitFor(`tok-42-${token}`, 20_000);
  await vm.waitFor(PROMPT, 20_000);
  // job control: Ctrl-C interrupts a foreground command and the shell survives
  vm.send('sleep 30\n');
  await new Promise((r) => setTimeout(r, 1500));
  const interruptedAt = performance.now();
  vm.send('\x03');
  await vm.waitFor(PROMPT, 10_000);
  expect(performance.now() - interruptedAt).toBeLessThan(10_000);
  vm.send('echo status-$?\n');
  await vm.waitFor('status-130', 10_000);
  await vm.waitFor(PROMPT, 10_000);
  vm.send('hostname; echo host-$(hostname)\n');
  await vm.waitFor('host-kindling', 10_000);
  await vm.waitFor(PROMPT, 10_000);
}

async function readDisk(vm: Console, arch: string): Promise<void> {
  vm.send('mount -t ext4 /dev/vda /mnt && cat /mnt/README; echo mount-$?\n');
  await vm.waitFor(`kindling ${arch} disk image`, 20_000);
  await vm.waitFor('mount-0', 20_000);
  await vm.waitFor(PROMPT, 10_000);
  await vm.run('umount /mnt');
}

const riscv = which('qemu-system-riscv64');
const x86 = which('qemu-system-x86_64');
if (!riscv)
  console.log(
    'SKIP riscv64 QEMU boot tests: qemu-system-riscv64 not found (apt-get install qemu-system-misc)',
  );
if (!x86)
  console.log(
    'SKIP x86_64 QEMU boot tests: qemu-system-x86_64 not found (apt-get install qemu-system-x86)',
  );

describe('riscv64 image under qemu-system-riscv64 -M virt', () => {
  it.skipIf(!riscv)(
    'boots to the marker, runs the shell, reads the ext4 disk, powers off',
    async () => {
      const kernel = materialize('riscv64', 'riscv-image');
      const initrd = materialize('riscv64', 'cpio-newc-gzip');
      const disk = materialize('riscv64', 'ext4');
      const vm = new Console(riscv!, [
        ...['-M', 'virt', '-bios', 'default', '-m', '256M', '-smp', '2', '-nographic'],
        ...['-kernel', kernel, '-initrd', initrd, '-append', cmdlineOf('riscv64')],
        ...['-drive', `file=${disk},if=none,id=d,format=raw`],
        ...['-device', 'virtio-blk-device,drive=d'],
      ]);
      try {
        const ms = await vm.waitFor(MARKER);
        console.log(`riscv64: "${MARKER}" after ${ms.toFixed(0)} ms (QEMU TCG, incl. OpenSBI)`);
        await exerciseShell(vm);
        await readDisk(vm, 'riscv64');
        vm.send('poweroff\n');
        expect(await vm.waitExit(30_000)).toBe(0);
      } finally {
        vm.kill();
      }
    },
    TEST_TIMEOUT,
  );
});

describe('x86_64 image under qemu-system-x86_64 -M microvm (TCG)', () => {
  const cmdline = cmdlineOf('x86_64').replace('reboot=k', 'reboot=t');

  it.skipIf(!x86)(
    'bzImage boots to the marker, runs the shell, reads the ext4 disk, reboot ends QEMU',
    async () => {
      const kernel = materialize('x86_64', 'bzimage');
      const initrd = materialize('x86_64', 'cpio-newc-gzip');
      const disk = materialize('x86_64', 'ext4');
      const vm = new Console(x86!, [
        ...['-M', 'microvm,acpi=off', '-m', '256M', '-smp', '2', '-nographic', '-no-reboot'],
        ...['-kernel', kernel, '-initrd', initrd, '-append', cmdline],
        ...['-drive', `file=${disk},if=none,id=d,format=raw`],
        ...['-device', 'virtio-blk-device,drive=d'],
      ]);
      try {
        const ms = await vm.waitFor(MARKER);
        console.log(`x86_64 bzImage: "${MARKER}" after ${ms.toFixed(0)} ms (QEMU TCG)`);
        await exerciseShell(vm);
        await readDisk(vm, 'x86_64');
        vm.send('reboot\n');
        expect(await vm.waitExit(30_000)).toBe(0);
      } finally {
        vm.kill();
      }
    },
    TEST_TIMEOUT,
  );

  it.skipIf(!x86)(
    'vmlinux boots through its PVH entry to the marker (with the boot-timer write)',
    async () => {
      const kernel = materialize('x86_64', 'elf-pvh');
      const initrd = materialize('x86_64', 'cpio-newc-gzip');
      // microvm has nothing at 0xd0000000 and TCG drops the write: this only checks that /init
      // parses kindling.boot_timer= and that devmem can write there without an error.
      const vm = new Console(x86!, [
        ...['-M', 'microvm,acpi=off', '-m', '256M', '-nographic', '-no-reboot'],
        ...['-kernel', kernel, '-initrd', initrd],
        ...['-append', `${cmdline} kindling.boot_timer=0xd0000000`],
      ]);
      try {
        const ms = await vm.waitFor(MARKER);
        expect(vm.output).not.toMatch(/devmem:|Bus error|Segmentation fault/);
        console.log(`x86_64 vmlinux (PVH): "${MARKER}" after ${ms.toFixed(0)} ms (QEMU TCG)`);
        await vm.waitFor(PROMPT, 30_000);
        vm.send('reboot\n');
        expect(await vm.waitExit(30_000)).toBe(0);
      } finally {
        vm.kill();
      }
    },
    TEST_TIMEOUT,
  );
});

describe('i386 bench-peer image under qemu-system-x86_64 -M pc (TCG)', () => {
  const set = manifest.images.find((s) => s.arch === 'i386');

  it.skipIf(!x86 || !set)(
    'boots to the marker, echoes, reboot ends QEMU',
    async () => {
      const kernel = materialize('i386', 'bzimage');
      const initrd = materialize('i386', 'cpio-newc-gzip');
      const vm = new Console(x86!, [
        ...['-M', 'pc', '-m', '128M', '-nographic', '-no-reboot'],
        ...['-kernel', kernel, '-initrd', initrd, '-append', `${set!.cmdline} reboot=t`],
      ]);
      try {
        const ms = await vm.waitFor(MARKER);
        console.log(
          `i386 bzImage: "${MARKER}" after ${ms.toFixed(0)} ms (QEMU TCG, incl. SeaBIOS)`,
        );
        await vm.waitFor(PROMPT, 30_000);
        const token = randomBytes(6).toString('hex');
        vm.send(`echo tok-$((6*7))-${token}\n`);
        await vm.waitFor(`tok-42-${token}`, 20_000);
        vm.send('reboot\n');
        expect(await vm.waitExit(30_000)).toBe(0);
      } finally {
        vm.kill();
      }
    },
    TEST_TIMEOUT,
  );
});
