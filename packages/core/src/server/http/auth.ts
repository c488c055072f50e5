import type { Context, MiddlewareHandler, Next } from 'hono';
import { createRateLimiter } from '../../util/rate-limit.js';
import { hashSecret } from '../auth/credentials.js';
import {
  CSRF_HEADER,
  csrfMatches,
  readCookie,
  resolveSession,
  sessionCookieName,
} from '../console/session.js';
import type { AppEnv, Deps } from './context.js';
import { HttpError } from './http-error.js';

/**
 * Resolves `Authorization: Bearer …` to an agent key (`cc_…`) or a reviewer token (`cco_…`) and its organisation.
 * Credentials are stored hashed and looked up by hash, so no secret is compared in variable time.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  const limited = createRateLimiter(deps.rateLimit.max, deps.rateLimit.windowMs, deps.clock);
  const cookieName = sessionCookieName(deps.publicUrl);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const sessionId = header ? undefined : readCookie(c.req.header('cookie'), cookieName);
    if (sessionId) return consoleSession(c, next, sessionId);
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new HttpError('unauthorized', 'Missing bearer token: send Authorization: Bearer <key>');
    const token = match[1];
    const hash = hashSecret(token);
    if (token.startsWith('cco_')) {
      const reviewer = await deps.store.findReviewerByTokenHash(hash);
      const org = reviewer && !reviewer.revoked_at ? await deps.store.getOrg(reviewer.org_id) : undefined;
      if (!reviewer || !org) throw new HttpError('unauthorized', 'bad token');
      c.set('principal', { kind: 'reviewer', org, reviewer });
    } else {
      const apiKey = await deps.store.findApiKeyByHash(hash);
      const org = apiKey && !apiKey.revoked_at ? await deps.store.getOrg(apiKey.org_id) : undefined;
      if (!apiKey || !org) throw new HttpError('unauthorized', 'bad token');
      c.set('principal', { kind: 'agent', org, apiKey });
    }
    const wait = limited(hash);
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      throw new HttpError('rate_limited', `Too many requests for this credential; retry in ${wait} s`);
    }
    await next();
  };

  /** A console session acts as its reviewer; anything but a read must echo the session's CSRF token. */
  async function consoleSession(c: Context<AppEnv>, next: Next, sessionId: string) {
    const found = await resolveSession(deps.store, sessionId, deps.clock());
    if (!found) throw new HttpError('unauthorized', 'Your console session has ended; sign in again');
    const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!safe && !csrfMatches(found.session.csrf, c.req.header(CSRF_HEADER)))
      throw new HttpError('forbidden', 'Missing or wrong CSRF token; reload the console page');
    c.set('principal', { kind: 'reviewer', org: found.org, reviewer: found.reviewer });
    await next();
  }
}
