import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    expect(loadConfig({}, {}, '/srv')).toEqual({
      host: '127.0.0.1',
      port: 8787,
      database: { kind: 'sqlite', path: '/srv/.contro1/centcom.db' },
      leaseMs: 60_000,
      rateLimitPerMinute: 6000,
      publicUrl: undefined,
      allowLoopbackCallbacks: false,
      logLevel: 'info',
      dev: false,
    });
  });

  it('selects PostgreSQL from a postgres:// URL', () => {
    expect(
      loadConfig({}, { CONTRO1_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' }, '/srv').database,
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@127.0.0.1:5432/db',
    });
  });

  it('takes flags over environment', () => {
    const config = loadConfig(
      { port: '9000', dev: true },
      { PORT: '8000', CONTRO1_DATABASE_URL: 'sqlite://data/x.db', PUBLIC_URL: 'https://ok.example.com/' },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 9000,
      database: { kind: 'sqlite', path: '/srv/data/x.db' },
      publicUrl: 'https://ok.example.com',
      allowLoopbackCallbacks: true,
    });
  });

  it.each([
    [{}, { PORT: 'eighty' }, /PORT must be a whole number/],
    [{}, { PORT: '70000' }, /PORT must be a whole number/],
    [{}, { PUBLIC_URL: 'approvals.example.com' }, /PUBLIC_URL must be an absolute http\(s\) URL/],
    [{}, { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{}, { CONTRO1_ALLOW_LOOPBACK_CALLBACKS: 'maybe' }, /must be true or false/],
    [{}, { CONTRO1_DELIVERY_LEASE_MS: '5000' }, /at least 20000/],
  ])('refuses %j %j with one sentence', (flags, env, message) => {
    expect(() => loadConfig(flags, env as NodeJS.ProcessEnv, '/srv')).toThrow(ConfigError);
    expect(() => loadConfig(flags, env as NodeJS.ProcessEnv, '/srv')).toThrow(message);
  });
});
