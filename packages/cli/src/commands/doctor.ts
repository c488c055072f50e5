import type { CentcomClient } from '@contro1/core';
import { EXIT, exitCodeFor } from '../exit-codes.js';

/** Checks configuration, the server's `/health` and that the key authenticates; prints one line per check. */
export async function doctor(client: CentcomClient, print: (line: string) => void): Promise<number> {
  print(`base URL  ${client.baseUrl}`);
  const health = new URL('/health', client.baseUrl);
  try {
    const response = await fetch(health, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { ok?: boolean; version?: string };
    print(
      `health    ${response.ok && body.ok ? `ok (version ${body.version ?? '?'})` : `FAILED (HTTP ${response.status})`}`,
    );
    if (!response.ok) return EXIT.network;
  } catch (error) {
    print(`health    FAILED: ${(error as Error).message}`);
    return EXIT.network;
  }
  try {
    const status = await client.getRuntimeStatus();
    print(`auth      ok (${status.org.name}, ${status.auth.credential_kind})`);
    return EXIT.ok;
  } catch (error) {
    print(`auth      FAILED: ${(error as Error).message}`);
    return exitCodeFor(error);
  }
}
