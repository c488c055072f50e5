import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CreatedOrganisation } from '@contro1/core/server';

/**
 * Development credentials live next to the database (mode 0600) so a restarted dev server prints the same key,
 * secret and token: the server itself only stores hashes and could not show them again.
 */
export function devCredentialsPath(databasePath: string): string {
  return `${databasePath}.dev-credentials.json`;
}

export function readDevCredentials(path: string): CreatedOrganisation | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as CreatedOrganisation;
}

export function writeDevCredentials(path: string, credentials: CreatedOrganisation): void {
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
