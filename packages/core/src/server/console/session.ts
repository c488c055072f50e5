import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashSecret } from '../auth/credentials.js';
import type { ConsoleCredential, OrgRecord, ReviewerRecord } from '../model.js';
import type { Store } from '../store/store.js';

/** Sign-in links are short-lived because they travel by chat or e-mail. */
export const LOGIN_LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3600_000;
export const CSRF_HEADER = 'x-contro1-csrf';

const secret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Cookies are `Secure` (and `__Host-` prefixed) whenever the server is reached over HTTPS. */
export const sessionCookieName = (publicUrl: string) =>
  publicUrl.startsWith('https:') ? '__Host-contro1_session' : 'contro1_session';

export function sessionCookie(publicUrl: string, value: string, maxAgeSeconds: number): string {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  return `${sessionCookieName(publicUrl)}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function csrfMatches(expected: string | null, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Stores a new credential for a reviewer by the hash of its secret; the secret itself goes back to the caller. */
async function storeCredential(
  store: Store,
  reviewer: ReviewerRecord,
  kind: ConsoleCredential['kind'],
  expiresAt: number,
  csrf: string | null,
): Promise<string> {
  const secretValue = secret(kind === 'link' ? 'cl' : 'cs');
  await store.insertConsoleCredential({
    hash: hashSecret(secretValue),
    kind,
    org_id: reviewer.org_id,
    reviewer_id: reviewer.id,
    csrf,
    expires_at: expiresAt,
    used_at: null,
  });
  return secretValue;
}

/** Creates a single-use sign-in link secret for a reviewer; only its hash is stored. */
export async function issueLoginLink(
  store: Store,
  reviewer: ReviewerRecord,
  now: number,
): Promise<{ code: string; expires_at: number }> {
  const expires_at = now + LOGIN_LINK_TTL_MS;
  return { code: await storeCredential(store, reviewer, 'link', expires_at, null), expires_at };
}

export async function openSession(
  store: Store,
  reviewer: ReviewerRecord,
  now: number,
): Promise<{ id: string; csrf: string }> {
  const csrf = secret('csrf');
  return { id: await storeCredential(store, reviewer, 'session', now + SESSION_TTL_MS, csrf), csrf };
}

/** The live session behind a cookie value, with its reviewer and organisation; revoked reviewers have none. */
export async function resolveSession(
  store: Store,
  sessionId: string,
  now: number,
): Promise<{ session: ConsoleCredential; reviewer: ReviewerRecord; org: OrgRecord } | undefined> {
  const session = await store.getConsoleCredential(hashSecret(sessionId));
  if (session?.kind !== 'session' || session.expires_at <= now) return undefined;
  const reviewer = await store.getReviewer(session.org_id, session.reviewer_id);
  const org = reviewer && !reviewer.revoked_at ? await store.getOrg(session.org_id) : undefined;
  return reviewer && org ? { session, reviewer, org } : undefined;
}
