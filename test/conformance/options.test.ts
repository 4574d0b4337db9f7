import { describe, expect, it } from 'vitest';
import { parseConformanceArgs } from '../../src/conformance/options.ts';

const base = ['--issuer', 'https://auth.example.com', '--client-id', 'svc'];

describe('parseConformanceArgs', () => {
  it('reads the options, with --name value and --name=value', () => {
    expect(
      parseConformanceArgs([
        ...base,
        '--client-secret=s3cret',
        '--scope',
        'read:users read:orders',
        '--audience',
        'https://api.example.com',
        '--api',
        'https://api.example.com/v1/users',
        '--timeout',
        '2500',
        '--json',
      ]),
    ).toEqual({
      kind: 'run',
      options: {
        issuer: 'https://auth.example.com',
        clientId: 'svc',
        clientSecret: 's3cret',
        scope: 'read:users read:orders',
        audience: 'https://api.example.com',
        api: 'https://api.example.com/v1/users',
        timeoutMs: 2500,
        json: true,
      },
    });
  });

  it('takes the secret from CONFORMANCE_CLIENT_SECRET, the flag winning', () => {
    const env = { CONFORMANCE_CLIENT_SECRET: 'from-env' };
    expect(parseConformanceArgs(base, env)).toMatchObject({
      kind: 'run',
      options: { clientSecret: 'from-env', timeoutMs: 10_000, json: false },
    });
    expect(parseConformanceArgs([...base, '--client-secret', 'flag'], env)).toMatchObject({
      options: { clientSecret: 'flag' },
    });
  });

  it('keeps the private key as a path, with --alg and --kid', () => {
    expect(
      parseConformanceArgs([
        ...base,
        '--private-key',
        'key.pem',
        '--alg',
        'RS256',
        '--kid',
        'k',
        '--assertion-aud',
        'issuer',
      ]),
    ).toMatchObject({
      kind: 'run',
      options: { privateKeyFile: 'key.pem', alg: 'RS256', kid: 'k', assertionAud: 'issuer' },
    });
  });

  it('forces colours on or off', () => {
    expect(parseConformanceArgs([...base, '--client-secret', 'x', '--no-color'])).toMatchObject({
      options: { color: false },
    });
    expect(parseConformanceArgs([...base, '--client-secret', 'x', '--color'])).toMatchObject({
      options: { color: true },
    });
  });

  it('answers help for --help and -h', () => {
    expect(parseConformanceArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseConformanceArgs(['-h', '--issuer'])).toEqual({
      kind: 'error',
      message: '--issuer needs a value.',
    });
  });

  it.each([
    [
      [],
      "Missing --issuer: the authorization server's issuer URL, e.g. --issuer https://auth.example.com",
    ],
    [['--issuer', 'auth.example.com'], '--issuer must be an http(s) URL, got "auth.example.com".'],
    [['--issuer', 'https://a.example'], 'Missing --client-id: the client to request tokens as.'],
    [
      base,
      'Missing credentials: give --client-secret <secret> (or CONFORMANCE_CLIENT_SECRET) and/or --private-key <file>.',
    ],
    [[...base, '--client-secret'], '--client-secret needs a value.'],
    [[...base, '--client-secret', '--json'], '--client-secret needs a value.'],
    [[...base, '--secret', 'x'], 'Unknown option --secret. Run with --help to see the options.'],
    [
      [...base, 'extra'],
      'Unexpected argument "extra". Options start with --, e.g. --issuer https://auth.example.com',
    ],
    [[...base, '--client-id', 'again'], '--client-id is given twice. Give it once.'],
    [[...base, '--client-secret', 'x', '--json=yes'], '--json takes no value.'],
    [
      [...base, '--client-secret', 'x', '--timeout', '2s'],
      '--timeout is in milliseconds, from 1 to 600000; got "2s".',
    ],
    [
      [...base, '--client-secret', 'x', '--timeout', '0'],
      '--timeout is in milliseconds, from 1 to 600000; got "0".',
    ],
    [
      [...base, '--client-secret', 'x', '--api', 'ftp://x'],
      '--api must be an http(s) URL, got "ftp://x".',
    ],
    [
      [...base, '--client-secret', 'x', '--alg', 'ES256'],
      '--alg only applies with --private-key <file>.',
    ],
    [
      [...base, '--client-secret', 'x', '--expired-token', 'eyJ'],
      '--expired-token needs --api <url> to send it to.',
    ],
    [
      [...base, '--client-secret', 'x', '--color', '--no-color'],
      'Give --color or --no-color, not both.',
    ],
  ])('refuses %j: %s', (argv, message) => {
    expect(parseConformanceArgs(argv)).toEqual({ kind: 'error', message });
  });
});
