import { join } from 'node:path';
import { createPostgresStore, createSqliteStore, type Store } from '@contro1/core/server';
import { type DatabaseConfig, invocationDir, prepareDatabaseDir } from './config.js';

/** Opens the configured store; PostgreSQL migrates on open (under an advisory lock, safe with several instances). */
export async function openStore(database: DatabaseConfig, serving: boolean): Promise<Store> {
  if (database.kind === 'postgres') return createPostgresStore({ connectionString: database.url });
  prepareDatabaseDir(database.path);
  return createSqliteStore({ path: database.path, serving });
}

/** Where a database is described in logs and messages: never the password of a URL. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return database.path;
  const url = new URL(database.url);
  url.password = url.password ? '***' : '';
  return url.toString();
}

/** Dev credentials file: beside the SQLite file, or under .contro1/ for PostgreSQL. */
export function devCredentialsBase(database: DatabaseConfig): string {
  return database.kind === 'sqlite' ? database.path : join(invocationDir(), '.contro1', 'postgres');
}
