import type { ErrorCode } from '../../protocol/error-body.js';
import { ERROR_STATUS } from '../../protocol/error-body.js';

/** A refusal with the 14.7 body. Thrown anywhere below a route and rendered by the app's error handler. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.extra = extra;
  }
}

export const notFound = (what = 'Request') => new HttpError('not_found', `${what} not found`);
