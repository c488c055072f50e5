import type { MiddlewareHandler } from 'hono';
import { createRateLimiter } from '../../util/rate-limit.js';
import { hashSecret } from '../auth/credentials.js';
import type { AppEnv, Deps } from './context.js';
import { HttpError } from './http-error.js';

/**
 * Resolves `Authorization: Bearer …` to an agent key (`cc_…`) or a reviewer token (`cco_…`) and its organisation.
 * Credentials are stored hashed and looked up by hash, so no secret is compared in variable time.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  const limited = createRateLimiter(deps.rateLimit.max, deps.rateLimit.windowMs, deps.clock);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
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
}
