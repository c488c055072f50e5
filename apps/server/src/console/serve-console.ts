import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** No inline script or style, nothing from elsewhere, never framed. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist-console', import.meta.url));

/**
 * Serves the built console under `/console` (sign-in routes under `/console/auth` belong to the API handler).
 * Assets are read once at start-up; every other `/console` path gets the page, which routes on the client.
 * Returns undefined for paths that are not the console's.
 */
export function createConsoleHandler(dir = DEFAULT_CONSOLE_DIR): (request: Request) => Response | undefined {
  const built = existsSync(join(dir, 'index.html'));
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (built) {
    for (const name of readdirSync(join(dir, 'assets'))) {
      assets.set(`/console/assets/${name}`, {
        body: readFileSync(join(dir, 'assets', name)),
        type: TYPES[extname(name)] ?? 'application/octet-stream',
      });
    }
  }
  const page = built ? readFileSync(join(dir, 'index.html')) : undefined;

  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname !== '/console' && !pathname.startsWith('/console/')) return undefined;
    if (pathname.startsWith('/console/auth/')) return undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const asset = assets.get(pathname);
    if (asset) {
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(asset.body), {
        headers: {
          ...SECURITY_HEADERS,
          'Content-Type': asset.type,
          'Cache-Control': 'public, max-age=31536000, immutable',
        },
      });
    }
    if (pathname.startsWith('/console/assets/'))
      return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    if (!page) {
      return new Response(
        'The reviewer console is not built: run `pnpm --filter @contro1/server build:console`.',
        {
          status: 503,
          headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
        },
      );
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(page), {
      headers: { ...SECURITY_HEADERS, 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-store' },
    });
  };
}
