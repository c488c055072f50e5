import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TOLERANCE_SECONDS, type RawBody, type VerifyWebhookOptions } from './centcom-signature.js';

const UNIX_SECONDS = /^\d{1,15}$/;

function secretBytes(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!encoded || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

function sign(id: string, timestamp: string, body: RawBody, key: Buffer): Buffer {
  const mac = createHmac('sha256', key);
  mac.update(`${id}.${timestamp}.`, 'utf8');
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return mac.digest();
}

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks `v1` signing (14.4): base64 HMAC-SHA256 of `id.timestamp.body` keyed by the base64-decoded
 * secret. Several secrets give several space-separated `v1,` entries, which is how rotation overlaps work.
 */
export function signStandardWebhook(
  id: string,
  body: RawBody,
  secrets: string | readonly string[],
  timestamp: number | string = Math.floor(Date.now() / 1000),
): StandardWebhookHeaders {
  const ts = String(timestamp);
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const entries = list.map((secret) => {
    const key = secretBytes(secret);
    if (!key)
      throw new TypeError('signStandardWebhook needs base64 secrets (optionally prefixed with whsec_)');
    return `v1,${sign(id, ts, body, key).toString('base64')}`;
  });
  if (entries.length === 0) throw new TypeError('signStandardWebhook needs at least one secret');
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': entries.join(' ') };
}

/** Accepts when any `v1` entry matches any of the given secrets; never throws. */
export function verifyStandardWebhook(
  rawBody: RawBody,
  headers: {
    id: string | null | undefined;
    timestamp: string | null | undefined;
    signature: string | null | undefined;
  },
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || typeof timestamp !== 'string' || !UNIX_SECONDS.test(timestamp) || !signature) return false;
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return false;
  const keys = (typeof secrets === 'string' ? [secrets] : secrets)
    .map(secretBytes)
    .filter((k): k is Buffer => k !== undefined);
  const candidates = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    .filter((sig) => sig.length === 32);
  for (const key of keys) {
    const expected = sign(id, timestamp, rawBody, key);
    if (candidates.some((sig) => timingSafeEqual(sig, expected))) return true;
  }
  return false;
}
