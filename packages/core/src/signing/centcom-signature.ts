import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_TOLERANCE_SECONDS = 300;
const HEX_SIGNATURE = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^\d{1,15}$/;

export type RawBody = string | Uint8Array;

export interface VerifyWebhookOptions {
  /** Current time in unix seconds (the vector files' unit). */
  now?: number;
  toleranceSeconds?: number;
}

function hmacHex(body: RawBody, secret: string, timestamp: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return mac.digest('hex');
}

/**
 * Signs a webhook body as section 9: hex HMAC-SHA256 of `timestamp + "." + body`, the secret used verbatim
 * (`whsec_` prefix included). The timestamp is the send time in unix seconds.
 */
export function signWebhook(
  body: RawBody,
  secret: string,
  timestamp: number | string = Math.floor(Date.now() / 1000),
): { signature: string; timestamp: string } {
  if (!secret) throw new TypeError('signWebhook needs a non-empty secret');
  const ts = String(timestamp);
  return { signature: hmacHex(body, secret, ts), timestamp: ts };
}

/**
 * Verifies `X-CentCom-Signature` over the raw body bytes exactly as received. Returns false, never throws,
 * for an empty secret, malformed headers, a timestamp outside ±tolerance, or a mismatch.
 */
export function verifyWebhook(
  rawBody: RawBody,
  signature: string | null | undefined,
  timestamp: string | null | undefined,
  secret: string | null | undefined,
  options: VerifyWebhookOptions = {},
): boolean {
  if (typeof secret !== 'string' || secret.length === 0) return false;
  if (typeof signature !== 'string' || !HEX_SIGNATURE.test(signature)) return false;
  if (typeof timestamp !== 'string' || !UNIX_SECONDS.test(timestamp)) return false;
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return false;
  const ts = Number(timestamp);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(now) || Math.abs(now - ts) > tolerance) return false;
  const expected = Buffer.from(hmacHex(rawBody, secret, timestamp), 'hex');
  return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
}
