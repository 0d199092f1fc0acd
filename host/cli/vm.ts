/**
 * `npm run vm -- --kernel K [--initrd I] [--drive FILE[:ro]]... [--smp N] [--mem MiB] [--cmdline S]`
 * or `npm run vm -- --config-file vm.json` (Firecracker's JSON), or no arguments for the bundled
 * riscv64 image. Boots the riscv64 machine in worker_threads with the serial console on this
 * terminal (raw mode; Ctrl-A X quits). Exit code: 0 after a guest power-off, 1 on a fault.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigFile } from '../../core/api/config-file';
import { RISCV64_LIMITS, type VmConfig } from '../../core/api/types';
import { describeStop } from '../../workers/common/riscv64/riscv64-machine';
import { createNodeMachine } from '../../workers/node/node-machine';
import { parseJitSettings, type JitSettings } from '../../workers/common/riscv64/jit-settings';
import {
  DEFAULT_RISCV64_CMDLINE,
  specFromConfig,
} from '../../workers/common/riscv64/spec-from-config';
import { FileStoreError } from '../../workers/common/riscv64/file-store';
import { NodeFileStore } from '../engine/wasm/node-file-store';
import { attachTerminal } from './terminal-console';

const USAGE = `usage: npm run vm -- [--jit off|mixed|always|mixed:N]
                     [--kernel K --initrd I] [--drive FILE[:ro]]... [--smp N] [--mem MiB]
                     [--cmdline "..."] [--entropy] | --config-file vm.json`;

class UsageError extends Error {}

function bundledImage(): { kernel: string; initrd: string; cmdline: string } {
  const dir = 'public/images';
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    images: { arch: string; cmdline: string; files: { role: string; path: string }[] }[];
  };
  const image = manifest.images.find((i) => i.arch === 'riscv64');
  const file = (role: string) => image?.files.find((f) => f.role === role)?.path;
  if (!image || !file('kernel') || !file('initrd'))
    throw new UsageError('no riscv64 image in public/images');
  return {
    kernel: join(dir, file('kernel')!),
    initrd: join(dir, file('initrd')!),
    cmdline: image.cmdline,
  };
}

export function configFromArgs(argv: string[]): VmConfig {
  const config: VmConfig = {
    'machine-config': { vcpu_count: 1, mem_size_mib: 256 },
    drives: [],
    'network-interfaces': [],
  };
  let kernel: string | undefined;
  let initrd: string | undefined;
  let cmdline: string | undefined;
  const value = (i: number, flag: string) => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (i: number, flag: string) => {
    const n = Number(value(i, flag));
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--kernel':
        kernel = value(++i, flag);
        break;
      case '--initrd':
        initrd = value(++i, flag);
        break;
      case '--cmdline':
        cmdline = value(++i, flag);
        break;
      case '--smp':
        config['machine-config'].vcpu_count = int(++i, flag);
        break;
      case '--mem':
        config['machine-config'].mem_size_mib = int(++i, flag);
        break;
      case '--entropy':
        config.entropy = {};
        break;
      case '--drive': {
        const spec = value(++i, flag);
        const readOnly = spec.endsWith(':ro');
        const path = readOnly ? spec.slice(0, -3) : spec;
        const id = `drive${config.drives.length}`;
        config.drives.push({
          drive_id: id,
          path_on_host: path,
          is_root_device: false,
          is_read_only: readOnly,
        });
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  if (kernel === undefined) {
    if (initrd !== undefined) throw new UsageError('--initrd needs --kernel');
    const image = bundledImage();
    kernel = image.kernel;
    initrd = image.initrd;
    cmdline ??= image.cmdline;
  }
  config['boot-source'] = {
    kernel_image_path: kernel,
    ...(initrd ? { initrd_path: initrd } : {}),
    boot_args: cmdline ?? DEFAULT_RISCV64_CMDLINE,
  };
  return config;
}

/** Takes `--jit SETTING` (anywhere) out of argv: the CPU engine is ours, not part of Firecracker's config. */
export function takeJitFlag(argv: string[]): { argv: string[]; jit: JitSettings | undefined } {
  const at = argv.indexOf('--jit');
  if (at < 0) return { argv, jit: undefined };
  const text = argv[at + 1];
  if (text === undefined || text.startsWith('--')) throw new UsageError('--jit needs a value');
  const jit = parseJitSettings(text);
  if (typeof jit === 'string') throw new UsageError(jit);
  const rest = [...argv.slice(0, at), ...argv.slice(at + 2)];
  if (rest.includes('--jit')) throw new UsageError('--jit given twice');
  return { argv: rest, jit };
}

async function main(args: string[]): Promise<number> {
  const { argv, jit } = takeJitFlag(args);
  let config: VmConfig;
  if (argv[0] === '--config-file') {
    if (!argv[1] || argv.length > 2)
      throw new UsageError('--config-file takes one path and nothing else');
    const parsed = parseConfigFile(readFileSync(argv[1], 'utf8'), RISCV64_LIMITS);
    if (!parsed.ok) throw new FileStoreError(parsed.fault);
    config = parsed.config;
  } else {
    config = configFromArgs(argv);
  }
  const spec = await specFromConfig(config, new NodeFileStore());
  const machine = createNodeMachine(spec, {
    log: (line) => process.stderr.write(`[kindling] ${line}\r\n`),
    ...(jit ? { jit } : {}),
  });
  const terminal = attachTerminal(machine.console, {
    input: process.stdin,
    output: process.stdout,
  });
  machine.start();
  const outcome = await Promise.race([
    machine.stopped.then((reason) => ({ reason })),
    terminal.closed.then(() => ({ reason: undefined })),
  ]);
  terminal.close();
  if (!outcome.reason) {
    machine.stop({ kind: 'killed', message: 'quit from the console (Ctrl-A X)' });
    process.stderr.write('\r\n[kindling] quit\r\n');
    return 0;
  }
  process.stderr.write(`\r\n[kindling] ${describeStop(outcome.reason)}\r\n`);
  return outcome.reason.kind === 'poweroff' || outcome.reason.kind === 'reboot' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => setTimeout(() => process.exit(code), 100),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `kindling vm: ${message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`,
    );
    process.exit(2);
  },
);
