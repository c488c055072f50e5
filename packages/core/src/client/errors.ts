/** Stable codes a caller can branch on; HTTP errors use the server's `error` code when it sends one. */
export type Contro1ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'internal'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'configuration'
  | 'invalid_response'
  | (string & {});

const CODE_BY_STATUS: Record<number, Contro1ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'conflict',
  413: 'payload_too_large',
  422: 'idempotency_key_reused',
  429: 'rate_limited',
};

const REMEDIATION: Partial<Record<string, string>> = {
  unauthorized: 'Check CENTCOM_API_KEY: it must be an active cc_… key of this organisation.',
  forbidden: 'This credential may not do that; reviewers answer requests, agent keys create them.',
  not_found: 'Check the id: it does not exist in this organisation.',
  idempotency_key_reused:
    'This external_request_id was already used for a different request; use a new key for a new action.',
  network: 'Check CENTCOM_BASE_URL and that the server is reachable; the call is safe to retry.',
  timeout: 'The server did not answer in time; idempotent calls are safe to retry.',
  configuration: 'Pass the missing option or set the environment variable named in the message.',
  rate_limited: 'Slow down and retry after the Retry-After interval.',
};

export interface Contro1ErrorOptions {
  code: Contro1ErrorCode;
  status?: number;
  response?: unknown;
  remediation?: string;
  cause?: unknown;
}

/** The one error class of @contro1/core: `code` is stable, `remediation` says what to do next. */
export class Contro1Error extends Error {
  override readonly name = 'Contro1Error';
  readonly code: Contro1ErrorCode;
  readonly status: number | undefined;
  readonly response: unknown;
  readonly remediation: string | undefined;

  constructor(message: string, options: Contro1ErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.response = options.response;
    this.remediation = options.remediation ?? REMEDIATION[options.code];
  }

  /** Builds the error for a non-2xx answer from either envelope of section 1. */
  static fromResponse(status: number, body: unknown): Contro1Error {
    let code: string | undefined;
    let message: string | undefined;
    let remediation: string | undefined;
    if (typeof body === 'object' && body !== null) {
      const b = body as { error?: unknown; message?: unknown };
      if (typeof b.error === 'string') code = b.error;
      if (typeof b.message === 'string') message = b.message;
      if (typeof b.error === 'object' && b.error !== null) {
        const nested = b.error as { code?: unknown; message?: unknown; remediation?: unknown };
        if (typeof nested.code === 'string') code = nested.code;
        if (typeof nested.message === 'string') message = nested.message;
        if (typeof nested.remediation === 'string') remediation = nested.remediation;
      }
    } else if (typeof body === 'string' && body.trim()) {
      message = body.slice(0, 500);
    }
    const finalCode = code ?? CODE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : `http_${status}`);
    const options: Contro1ErrorOptions = { code: finalCode, status, response: body };
    if (remediation) options.remediation = remediation;
    return new Contro1Error(message ?? `HTTP ${status}`, options);
  }
}

export function isContro1Error(value: unknown): value is Contro1Error {
  return value instanceof Contro1Error;
}
