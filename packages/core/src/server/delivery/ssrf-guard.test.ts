import { describe, expect, it } from 'vitest';
import { isPrivateAddress, resolvePinned } from './ssrf-guard.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  const lookupTo =
    (address: string, family: 4 | 6 = 4) =>
    async () => [{ address, family }];

  it('pins the first public answer and refuses when any answer is private', async () => {
    const url = new URL('https://hooks.example.test/cb');
    await expect(
      resolvePinned(url, { lookup: lookupTo('93.184.216.34'), allowLoopback: false }),
    ).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    const mixed = async () => [
      { address: '93.184.216.34', family: 4 as const },
      { address: '10.0.0.5', family: 4 as const },
    ];
    await expect(resolvePinned(url, { lookup: mixed, allowLoopback: false })).rejects.toThrow(/private/);
    await expect(
      resolvePinned(url, { lookup: lookupTo('169.254.169.254'), allowLoopback: true }),
    ).rejects.toThrow(/private/);
  });

  it('allows loopback only with the switch, and allowlisted hosts per organisation', async () => {
    const url = new URL('http://127.0.0.1:8080/cb');
    const never = async () => [];
    await expect(resolvePinned(url, { lookup: never, allowLoopback: false })).rejects.toThrow(/private/);
    await expect(resolvePinned(url, { lookup: never, allowLoopback: true })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(
      resolvePinned(new URL('http://[::1]:1/x'), { lookup: never, allowLoopback: true }),
    ).resolves.toMatchObject({ family: 6 });
    const internal = new URL('https://hooks.internal/cb');
    await expect(
      resolvePinned(internal, {
        lookup: lookupTo('10.0.0.9'),
        allowLoopback: false,
        allowHosts: ['hooks.internal'],
      }),
    ).resolves.toMatchObject({
      address: '10.0.0.9',
    });
    await expect(resolvePinned(internal, { lookup: never, allowLoopback: false })).rejects.toThrow(
      /did not resolve/,
    );
  });
});
