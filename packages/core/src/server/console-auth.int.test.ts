import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

let h: Harness;
let now = Date.parse('2026-11-23T10:00:00.000Z');
beforeAll(async () => {
  h = await startHarness({ clock: () => now });
});
afterAll(() => h.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function signIn(token = h.org.reviewer_token) {
  const res = await post('/console/auth/token', { token });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return { res, cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
}

describe('console sessions', () => {
  it('turns a reviewer token into an HttpOnly SameSite=Strict cookie that acts as the reviewer, CSRF-checked', async () => {
    const { res, cookie, csrf } = await signIn();
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(
      /^contro1_session=cs_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const queue = await fetch(`${h.apiUrl}/operator/queue`, { headers: { cookie } });
    expect(queue.status).toBe(200);

    const created = await h.client.createRequest({ type: 'approval', question: 'Pay?', context: 'c' });
    const respond = (headers: Record<string, string>) =>
      post(
        `/api/centcom/v1/operator/queue/${created.request_id}/respond`,
        { approved: true },
        { cookie, ...headers },
      );
    expect((await respond({})).status).toBe(403);
    expect((await respond({ 'x-contro1-csrf': `${csrf}x` })).status).toBe(403);
    expect((await respond({ 'x-contro1-csrf': csrf })).status).toBe(200);
    // A cookie never makes an agent: creating requests still needs an API key.
    const create = await post(
      '/api/centcom/v1/requests',
      { type: 'approval', question: 'q', context: 'c' },
      {
        cookie,
        'x-contro1-csrf': csrf,
      },
    );
    expect(create.status).toBe(403);
  });

  it('refuses bad tokens, other origins and cross-site sign-in', async () => {
    expect((await post('/console/auth/token', { token: 'cco_nope' })).status).toBe(401);
    expect((await post('/console/auth/token', { token: h.org.api_key })).status).toBe(401);
    expect((await post('/console/auth/token', {})).status).toBe(400);
    const evil = await post(
      '/console/auth/token',
      { token: h.org.reviewer_token },
      { origin: 'https://evil.example' },
    );
    expect(evil.status).toBe(403);
    const site = await post(
      '/console/auth/token',
      { token: h.org.reviewer_token },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(site.status).toBe(403);
  });

  it('single-use links: one sign-in, then refused; expired after 10 minutes', async () => {
    const code = (url: string) => new URL(url).hash.replace('#code=', '');
    const link = await h.admin.createLoginLink(h.org.org_id, h.org.reviewer_id);
    expect((await post('/console/auth/link', { code: code(link.url) })).status).toBe(200);
    const again = await post('/console/auth/link', { code: code(link.url) });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { message: string }).message).toMatch(/already used or has expired/);

    const late = await h.admin.createLoginLink(h.org.org_id, h.org.reviewer_id);
    now += 10 * 60_000;
    expect((await post('/console/auth/link', { code: code(late.url) })).status).toBe(401);
  });

  it('sessions end at sign-out, after 12 hours, and when the reviewer is revoked', async () => {
    const a = await signIn();
    const session = () => fetch(`${h.baseUrl}/console/auth/session`, { headers: { cookie: a.cookie } });
    expect((await session()).status).toBe(200);
    expect((await post('/console/auth/logout', {}, { cookie: a.cookie })).status).toBe(403);
    expect(
      (await post('/console/auth/logout', {}, { cookie: a.cookie, 'x-contro1-csrf': a.csrf })).status,
    ).toBe(200);
    expect((await session()).status).toBe(401);

    const b = await signIn();
    now += 12 * 3600_000;
    expect((await fetch(`${h.apiUrl}/operator/queue`, { headers: { cookie: b.cookie } })).status).toBe(401);

    const reviewer = await h.admin.createReviewer(h.org.org_id, { name: 'Temp' });
    const c = await signIn(reviewer.reviewer_token);
    await h.admin.revokeReviewer(h.org.org_id, reviewer.id);
    expect((await fetch(`${h.apiUrl}/operator/queue`, { headers: { cookie: c.cookie } })).status).toBe(401);
  });
});
