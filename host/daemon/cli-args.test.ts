import { describe, expect, it } from 'vitest';
import { UsageError, isLoopback, parseHostArgs, parseListen, parseVmArg } from './cli-args';

describe('parseHostArgs', () => {
  it('parses the Firecracker-shaped single-VM command line with defaults', () => {
    const command = parseHostArgs([
      '--api-sock',
      '/tmp/a.sock',
      '--id',
      'vm1',
      '--boot-timer',
      '--level',
      'Debug',
    ]);
    expect(command).toMatchObject({
      mode: 'single',
      apiSock: '/tmp/a.sock',
      id: 'vm1',
      bootTimer: true,
      level: 'Debug',
      engine: 'auto',
      noApi: false,
      maxPayloadBytes: 51_200,
    });
    expect(command).toHaveProperty('metadata', undefined);
    expect(
      parseHostArgs(['--no-api', '--config-file', 'vm.json', '--metadata', 'm.json']),
    ).toMatchObject({ configFile: 'vm.json', metadata: 'm.json', noApi: true });
  });

  it('refuses unknown flags, missing values, repeated flags and bad values', () => {
    const refused = (argv: string[], message: RegExp) =>
      expect(() => parseHostArgs(argv)).toThrow(
        expect.objectContaining({ message: expect.stringMatching(message) }),
      );
    refused(['--api-sock', 'a', '--bogus'], /unknown argument "--bogus"/);
    refused(['--api-sock'], /--api-sock needs a value/);
    refused(['--api-sock', 'a', '--api-sock', 'b'], /given twice/);
    refused(['--api-sock', 'a', '--level', 'Loud'], /--level must be one of/);
    refused(['--api-sock', 'a', '--engine', 'xen'], /--engine must be/);
    refused(['--api-sock', 'a', '--http-api-max-payload-size', '-3'], /positive integer/);
    refused(['--no-api'], /--no-api requires --config-file/);
    refused(['--api-sock', 'a', '--metadata'], /--metadata needs a value/);
    refused(
      ['serve', '--socket-dir', 'd', '--metadata', 'm.json'],
      /unknown argument "--metadata"/,
    );
    refused([], /--api-sock PATH is required/);
    refused(['serve'], /serve needs --socket-dir/);
    refused(
      ['serve', '--socket-dir', 'd', '--api-sock', 'x'],
      /unknown argument "--api-sock" for serve/,
    );
    refused(['serve', '--socket-dir', 'd', '--vm', 'a', '--vm', 'a:x.json'], /--vm a given twice/);
    refused(['gateway'], /--token-file/);
    expect(() => parseHostArgs(['--bogus'])).toThrow(UsageError);
  });

  it('parses serve and gateway modes', () => {
    expect(
      parseHostArgs([
        'serve',
        '--socket-dir',
        '/run/k',
        '--vm',
        'a',
        '--vm',
        'b:/etc/b.json',
        '--engine',
        'wasm',
      ]),
    ).toMatchObject({
      mode: 'serve',
      socketDir: '/run/k',
      vms: [
        { id: 'a', configFile: undefined },
        { id: 'b', configFile: '/etc/b.json' },
      ],
      engine: 'wasm',
    });
    expect(
      parseHostArgs([
        'gateway',
        '--token-file',
        't',
        '--allow-origin',
        'https://a',
        '--allow-origin',
        'https://b',
        '--max-connections-per-client',
        '3',
      ]),
    ).toMatchObject({
      mode: 'gateway',
      listenHost: '127.0.0.1',
      listenPort: 8787,
      allowOrigins: ['https://a', 'https://b'],
      maxConnectionsPerClient: 3,
      socketDir: undefined,
    });
  });
});

describe('argument helpers', () => {
  it('validates VM ids and listen addresses; knows loopback', () => {
    expect(parseVmArg('x_1.2-y')).toEqual({ id: 'x_1.2-y', configFile: undefined });
    expect(() => parseVmArg('../evil')).toThrow(UsageError);
    expect(() => parseVmArg('a:')).toThrow(/empty config file/);
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListen('8787')).toThrow(/HOST:PORT/);
    expect(() => parseListen('h:99999')).toThrow(/bad port/);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.2')).toBe(false);
  });
});
