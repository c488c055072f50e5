import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  /** Delivery lease; longer than one attempt (15 s) plus jitter. */
  leaseMs: number;
  /** Requests per credential per minute before 429. */
  rateLimitPerMinute: number;
  publicUrl: string | undefined;
  allowLoopbackCallbacks: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dev: boolean;
}

/** A configuration problem, stated as one sentence that says what to fix. */
export class ConfigError extends Error {}

export interface ConfigFlags {
  host?: string;
  port?: string;
  db?: string;
  publicUrl?: string;
  allowLoopbackCallbacks?: boolean;
  logLevel?: string;
  dev?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DEFAULT_DATABASE = '.contro1/centcom.db';

/** Relative paths mean "where the user typed the command": pnpm runs scripts in the package but sets INIT_CWD. */
export const invocationDir = () => process.env.INIT_CWD ?? process.cwd();

function bool(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}".`);
}

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** `postgres://…` selects PostgreSQL; anything else is a SQLite file (a path, or `sqlite:` + path). */
export function databaseOf(value: string, cwd: string): DatabaseConfig {
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError(
        'CONTRO1_DATABASE_URL is not a valid postgres:// URL; use postgres://user:password@host:5432/database.',
      );
    }
    return { kind: 'postgres', url: value };
  }
  return { kind: 'sqlite', path: databasePathOf(value, cwd) };
}

function databasePathOf(value: string, cwd: string): string {
  const path = value.startsWith('sqlite:') ? value.slice('sqlite:'.length).replace(/^\/\//, '') : value;
  if (!path)
    throw new ConfigError(
      'CONTRO1_DATABASE_URL is empty; set it to a SQLite file path such as .contro1/centcom.db.',
    );
  return resolve(cwd, path);
}

/** Makes sure the database directory exists and is writable, or says what to change. */
export function prepareDatabaseDir(path: string): void {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new ConfigError(
      `The database directory ${dir} is not writable; choose another path with --db or CONTRO1_DATABASE_URL.`,
    );
  }
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): ServerConfig {
  const portText = flags.port ?? env.PORT ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${portText}".`);
  }
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  if (!host.trim())
    throw new ConfigError('HOST is empty; set it to an interface address such as 127.0.0.1 or 0.0.0.0.');
  const publicUrl = flags.publicUrl ?? env.PUBLIC_URL;
  if (publicUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(publicUrl);
    } catch {}
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError(
        `PUBLIC_URL must be an absolute http(s) URL such as https://approvals.example.com, not "${publicUrl}".`,
      );
    }
  }
  const logLevel = (flags.logLevel ?? env.LOG_LEVEL ?? 'info') as ServerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}".`);
  const dev = flags.dev ?? bool('CONTRO1_DEV', env.CONTRO1_DEV) ?? false;
  const rate = Number(env.CONTRO1_RATE_LIMIT_PER_MINUTE ?? '6000');
  if (!Number.isInteger(rate) || rate < 1) {
    throw new ConfigError('CONTRO1_RATE_LIMIT_PER_MINUTE must be a whole number of requests of at least 1.');
  }
  const lease = Number(env.CONTRO1_DELIVERY_LEASE_MS ?? '60000');
  if (!Number.isInteger(lease) || lease < 20_000) {
    throw new ConfigError(
      'CONTRO1_DELIVERY_LEASE_MS must be a whole number of milliseconds of at least 20000 (longer than one 15 s attempt).',
    );
  }
  return {
    host,
    port,
    database: databaseOf(flags.db ?? env.CONTRO1_DATABASE_URL ?? DEFAULT_DATABASE, cwd),
    leaseMs: lease,
    rateLimitPerMinute: rate,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    allowLoopbackCallbacks:
      flags.allowLoopbackCallbacks ??
      bool('CONTRO1_ALLOW_LOOPBACK_CALLBACKS', env.CONTRO1_ALLOW_LOOPBACK_CALLBACKS) ??
      dev,
    logLevel,
    dev,
  };
}
