import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeExecutable, probeTcp, serviceGate } from './service-gate.js';

describe('serviceGate', () => {
  it('runs when the service is there', () => {
    expect(serviceGate('PostgreSQL', { available: true, reason: '' }, {})).toBe(true);
  });

  it('skips with a printed reason locally', () => {
    const printed: string[] = [];
    const gate = serviceGate(
      'Chromium',
      { available: false, reason: 'apt-get install -y chromium' },
      {},
      (m) => printed.push(m),
    );
    expect(gate).toBe(false);
    expect(printed).toEqual(['[skip] Chromium unavailable: apt-get install -y chromium']);
  });

  it('fails when CI=true', () => {
    expect(() => serviceGate('PostgreSQL', { available: false, reason: 'start it' }, { CI: 'true' })).toThrow(
      /CI=true/,
    );
  });

  it('probes TCP and executables for real', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    expect((await probeTcp('127.0.0.1', port, 'x')).available).toBe(true);
    server.close();
    await new Promise((r) => server.once('close', r));
    expect(await probeTcp('127.0.0.1', port, 'start it')).toMatchObject({
      available: false,
      reason: expect.stringContaining('start it'),
    });
    expect((await probeExecutable(process.execPath, 'x')).available).toBe(true);
    expect((await probeExecutable('/nonexistent/chromium', 'apt-get install chromium')).available).toBe(
      false,
    );
  });
});
