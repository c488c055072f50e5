import { access, constants } from 'node:fs/promises';
import { connect } from 'node:net';

export interface Probe {
  available: boolean;
  /** Why it is unavailable and how to provide it. */
  reason: string;
}

/**
 * Decides whether tests that need a real service run. Absent locally: prints the reason and returns false (use it
 * with `describe.skipIf`). Absent with `CI=true`: throws, so the run fails instead of silently skipping.
 */
export function serviceGate(
  name: string,
  probe: Probe,
  env: NodeJS.ProcessEnv = process.env,
  warn = console.warn,
): boolean {
  if (probe.available) return true;
  const message = `${name} unavailable: ${probe.reason}`;
  if (env.CI === 'true')
    throw new Error(`${message} (CI=true: tests that need ${name} must run, so this fails)`);
  warn(`[skip] ${message}`);
  return false;
}

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function probeTcp(host: string, port: number, install: string, timeoutMs = 1_000): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (available: boolean) => {
      socket.destroy();
      resolve({ available, reason: available ? '' : `nothing listens on ${host}:${port}; ${install}` });
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function probeExecutable(path: string, install: string): Promise<Probe> {
  try {
    await access(path, constants.X_OK);
    return { available: true, reason: '' };
  } catch {
    return { available: false, reason: `${path} is missing; ${install}` };
  }
}
