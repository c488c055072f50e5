import type { Context, Hono } from 'hono';
import { hashSecret } from '../auth/credentials.js';
import {
  CSRF_HEADER,
  csrfMatches,
  openSession,
  readCookie,
  resolveSession,
  SESSION_TTL_MS,
  sessionCookie,
  sessionCookieName,
} from '../console/session.js';
import type { ReviewerRecord } from '../model.js';
import { type AppEnv, type Deps, readJsonObject } from './context.js';
import { HttpError } from './http-error.js';

const publicReviewer = (r: ReviewerRecord) => ({
  id: r.id,
  name: r.name,
  roles: r.roles,
  departments: r.departments ?? [],
  is_admin: r.is_admin,
});

/**
 * Sign-in for the reviewer console (`/console/auth/*`): a reviewer token or a single-use link becomes an HttpOnly,
 * SameSite=Strict session cookie plus a CSRF token the page sends back in a header on every change.
 */
export function registerConsoleAuthRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const cookieName = sessionCookieName(deps.publicUrl);

  app.use('/console/auth/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  });

  /** Login CSRF: a sign-in must come from our own pages, never from another site's form. */
  const sameOrigin = (c: Context<AppEnv>) => {
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const own = [new URL(c.req.url).origin, new URL(deps.publicUrl).origin];
    if ((site && site !== 'same-origin' && site !== 'none') || (origin && !own.includes(origin))) {
      throw new HttpError('forbidden', 'Sign-in must come from the console page itself');
    }
  };

  const startSession = async (c: Context<AppEnv>, reviewer: ReviewerRecord) => {
    const { id, csrf } = await openSession(deps.store, reviewer, deps.clock());
    c.header('Set-Cookie', sessionCookie(deps.publicUrl, id, SESSION_TTL_MS / 1000));
    deps.logger.info({ reviewer_id: reviewer.id, org_id: reviewer.org_id }, 'console sign-in');
    return c.json({ reviewer: publicReviewer(reviewer), csrf });
  };

  const text = (body: Record<string, unknown>, key: string) => {
    const v = body[key];
    if (typeof v !== 'string' || !v) throw new HttpError('invalid_request', `${key} is required`);
    return v;
  };

  app.post('/console/auth/token', async (c) => {
    sameOrigin(c);
    const token = text(await readJsonObject(c), 'token');
    const reviewer = token.startsWith('cco_')
      ? await deps.store.findReviewerByTokenHash(hashSecret(token))
      : undefined;
    if (!reviewer || reviewer.revoked_at)
      throw new HttpError('unauthorized', 'That reviewer token is not valid; ask an admin for a new one');
    return startSession(c, reviewer);
  });

  app.post('/console/auth/link', async (c) => {
    sameOrigin(c);
    const code = text(await readJsonObject(c), 'code');
    const link = await deps.store.redeemConsoleLink(hashSecret(code), deps.clock());
    const reviewer = link ? await deps.store.getReviewer(link.org_id, link.reviewer_id) : undefined;
    if (!reviewer || reviewer.revoked_at) {
      throw new HttpError(
        'unauthorized',
        'This sign-in link was already used or has expired; ask an admin for a new one (`admin reviewer login-link`)',
      );
    }
    return startSession(c, reviewer);
  });

  app.get('/console/auth/session', async (c) => {
    const id = readCookie(c.req.header('cookie'), cookieName);
    const found = id ? await resolveSession(deps.store, id, deps.clock()) : undefined;
    if (!found) throw new HttpError('unauthorized', 'Not signed in');
    return c.json({ reviewer: publicReviewer(found.reviewer), csrf: found.session.csrf });
  });

  app.post('/console/auth/logout', async (c) => {
    const id = readCookie(c.req.header('cookie'), cookieName);
    const found = id ? await resolveSession(deps.store, id, deps.clock()) : undefined;
    if (id && found) {
      if (!csrfMatches(found.session.csrf, c.req.header(CSRF_HEADER)))
        throw new HttpError('forbidden', 'Missing or wrong CSRF token');
      await deps.store.deleteConsoleCredential(hashSecret(id));
    }
    c.header('Set-Cookie', sessionCookie(deps.publicUrl, '', 0));
    return c.json({ ok: true });
  });
}
