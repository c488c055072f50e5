import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createConsoleHandler } from './serve-console.js';

const dir = mkdtempSync(join(tmpdir(), 'contro1-console-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');

const get = (handler: ReturnType<typeof createConsoleHandler>, path: string, method = 'GET') =>
  handler(new Request(`http://127.0.0.1${path}`, { method }));

describe('console static handler', () => {
  const handler = createConsoleHandler(dir);

  it('leaves the API, sign-in routes and other methods to the server', () => {
    expect(get(handler, '/api/centcom/v1/requests')).toBeUndefined();
    expect(get(handler, '/consolex')).toBeUndefined();
    expect(get(handler, '/console/auth/session')).toBeUndefined();
    expect(get(handler, '/console/', 'POST')).toBeUndefined();
  });

  it('serves the page for every console path with the hardening headers', async () => {
    for (const path of ['/console', '/console/', '/console/requests/req_1', '/console/login']) {
      const res = get(handler, path) as Response;
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('<title>console</title>');
    }
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('serves built assets with their type and answers 404 for unknown ones', async () => {
    const js = get(handler, '/console/assets/index-abc.js') as Response;
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe('console.log(1)');
    expect((get(handler, '/console/assets/missing.js') as Response).status).toBe(404);
  });

  it('says how to build the console when it is missing', async () => {
    const res = get(createConsoleHandler(join(dir, 'nope')), '/console/') as Response;
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/pnpm --filter @contro1\/server build:console/);
  });
});
