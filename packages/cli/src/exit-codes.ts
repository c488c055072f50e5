import { isContro1Error } from '@contro1/core';

/** Exit codes shared with upstream's CLI, a contract for scripts. */
export const EXIT = {
  ok: 0,
  general: 1,
  badArgs: 2,
  auth: 3,
  scope: 4,
  denied: 5,
  timeout: 6,
  network: 7,
} as const;

/** Thrown to end a command with a specific exit code and a one-line reason on stderr. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.exitCode;
  if (isContro1Error(error)) {
    if (error.status === 401) return EXIT.auth;
    if (error.status === 403 && error.code === 'INSUFFICIENT_SCOPE') return EXIT.scope;
    if (error.code === 'network' || error.code === 'timeout') return EXIT.network;
    if (error.code === 'configuration') return EXIT.badArgs;
  }
  return EXIT.general;
}
