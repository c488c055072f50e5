import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimit: { max: 3, windowMs: 60_000 } });
});
afterAll(() => h.close());

describe('per-credential rate limit (14.7)', () => {
  it('answers 429 with Retry-After past the limit, per credential', async () => {
    const get = (token: string) =>
      fetch(`${h.apiUrl}/requests`, { headers: { authorization: `Bearer ${token}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(h.org.api_key)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await get(h.org.api_key);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({
      error: 'rate_limited',
      message: expect.stringMatching(/retry in/),
    });
    expect((await get(h.org.reviewer_token)).status).toBe(200);
  });
});
