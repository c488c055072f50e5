import { type Logger, pino } from 'pino';

/** Secrets and tokens never reach the log, whatever object they sit in. */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'api_key',
  '*.api_key',
  'webhook_secret',
  '*.webhook_secret',
  'reviewer_token',
  '*.reviewer_token',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'contro1-server' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination as never) : pino(options);
}
