const URL_KEYS = new Set(['callback_url', 'webhook_url']);

/** Replaces a URL's query string: n8n resume URLs carry signatures there (14.4). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[redacted]`;
}

/** Deep copy with every `callback_url` / `webhook_url` string's query redacted. */
export function redactCallbackUrls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactCallbackUrls) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = URL_KEYS.has(key) && typeof v === 'string' ? redactUrl(v) : redactCallbackUrls(v);
  }
  return out as T;
}
