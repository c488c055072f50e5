export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
export const setCsrf = (token: string | null) => {
  csrf = token;
};

interface ErrorBody {
  ok?: boolean;
  error?: string | { code?: string; message?: string };
  message?: string;
}

/** Same-origin JSON calls; the session cookie rides along and every change carries the CSRF token. */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf && method !== 'GET') headers['x-contro1-csrf'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => ({}))) as ErrorBody & { data?: T };
  if (!res.ok) {
    const err = json.error;
    const code = typeof err === 'string' ? err : (err?.code ?? 'error');
    const message =
      typeof err === 'object' ? (err.message ?? res.statusText) : (json.message ?? res.statusText);
    throw new ApiError(res.status, code, message);
  }
  return (json.ok === true ? json.data : json) as T;
}

export const V1 = '/api/centcom/v1';
