import { Contro1Error } from './errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface SendOptions {
  fetch: FetchLike;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  retries: number;
  retryable: boolean;
  sleep: Sleep;
  signal?: AbortSignal;
}

const backoffMs = (attempt: number) => Math.min(4000, 200 * 2 ** attempt) * (0.75 + Math.random() * 0.5);

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new Contro1Error(`Server sent invalid JSON (HTTP ${response.status})`, {
        code: 'invalid_response',
        status: response.status,
        response: text.slice(0, 500),
      });
    }
  }
  return text;
}

/**
 * One HTTP call with a per-attempt timeout. Retries (with jittered exponential backoff) only when the call is
 * idempotent and the failure is a network error, a timeout or a 5xx; everything else surfaces at once.
 */
export async function send(options: SendOptions): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let failure: Contro1Error;
    try {
      const init: RequestInit = {
        method: options.method,
        headers: options.headers,
        signal,
        redirect: 'manual',
      };
      if (options.body !== undefined) init.body = options.body;
      const response = await options.fetch(options.url, init);
      const body = await readBody(response);
      if (response.ok) return body;
      failure = Contro1Error.fromResponse(response.status, body);
      if (response.status < 500) throw failure;
    } catch (error) {
      if (error instanceof Contro1Error) {
        if (error.status === undefined || error.status < 500) throw error;
        failure = error;
      } else if (options.signal?.aborted) {
        throw new Contro1Error(`${options.method} ${options.url} aborted`, { code: 'aborted', cause: error });
      } else if (timeout.aborted) {
        failure = new Contro1Error(
          `${options.method} ${options.url} timed out after ${options.timeoutMs} ms`,
          {
            code: 'timeout',
            cause: error,
          },
        );
      } else {
        failure = new Contro1Error(`${options.method} ${options.url} failed: ${(error as Error).message}`, {
          code: 'network',
          cause: error,
        });
      }
    }
    if (!options.retryable || attempt >= options.retries) throw failure;
    await options.sleep(backoffMs(attempt), options.signal);
  }
}
