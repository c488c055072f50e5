import type { Context } from 'hono';
import type { Logger } from '../logger.js';
import type { ApiKeyRecord, OrgRecord, ReviewerRecord } from '../model.js';
import type { Store } from '../store/store.js';
import { HttpError } from './http-error.js';

export type Principal =
  | { kind: 'agent'; org: OrgRecord; apiKey: ApiKeyRecord }
  | { kind: 'reviewer'; org: OrgRecord; reviewer: ReviewerRecord };

export interface AppEnv {
  Variables: { principal: Principal; requestId: string };
}

/** What every route needs; built once by `createServer`. */
export interface Deps {
  store: Store;
  clock: () => number;
  newId: (prefix: string) => string;
  publicUrl: string;
  logger: Logger;
  defaultSlaMinutes: { normal: number; urgent: number };
  /** Called after a commit that queued a webhook. */
  onDeliveryQueued: () => void;
  rateLimit: { max: number; windowMs: number };
  version: string;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError('invalid_request', 'Malformed JSON body');
  }
}

export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const body = await readJson(c);
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('invalid_request', 'Request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function agentOf(c: Context<AppEnv>): Extract<Principal, { kind: 'agent' }> {
  const p = c.get('principal');
  if (p.kind !== 'agent')
    throw new HttpError('forbidden', 'Reviewer tokens cannot do this; use an agent API key (cc_…)');
  return p;
}

export function reviewerOf(c: Context<AppEnv>): Extract<Principal, { kind: 'reviewer' }> {
  const p = c.get('principal');
  if (p.kind !== 'reviewer') {
    throw new HttpError(
      'forbidden',
      'Agent API keys can never answer requests; use a reviewer token (cco_…)',
    );
  }
  return p;
}

export function parseLimit(value: string | undefined, fallback = 50): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new HttpError('invalid_request', 'limit must be a positive integer');
  return Math.min(n, 200);
}

export function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new HttpError('invalid_request', `${name} must be an ISO-8601 date-time`);
  return t;
}
