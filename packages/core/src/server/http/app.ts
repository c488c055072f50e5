import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { registerAgentRoutes } from './agents.js';
import { registerAuditRecordRoutes } from './audit-records.js';
import { authenticate } from './auth.js';
import { registerConsoleAuthRoutes } from './console-auth.js';
import { type AppEnv, type Deps, MAX_BODY_BYTES } from './context.js';
import { registerEvidenceKeyRoute, registerEvidenceRoutes } from './evidence.js';
import { HttpError } from './http-error.js';
import { registerOperatorRoutes } from './operator.js';
import { registerRequestRoutes } from './requests.js';
import { registerRuntimeRoutes } from './runtime.js';
import { registerTimelineRoutes } from './timelines.js';

export const API_PREFIX = '/api/centcom/v1';

const isOperatorPath = (path: string) => path.startsWith(`${API_PREFIX}/operator/`);

/** The HTTP surface: `/health` plus the v1 API. Wiring only; behaviour lives in the route modules. */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      {
        req_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'http',
    );
  });

  app.get('/health', (c) => c.json({ ok: true, version: deps.version }));
  registerConsoleAuthRoutes(app, deps);

  const api = new Hono<AppEnv>();
  const streamingLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError('payload_too_large', 'Request body is larger than 1 MiB');
    },
  });
  // A declared Content-Length is checked from the header alone: touching the body stream here would make the Node
  // adapter build a full web Request for every call (it showed in profiles). Chunked bodies are counted as they stream.
  api.use('*', async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return streamingLimit(c, next);
    if (Number(length) > MAX_BODY_BYTES)
      throw new HttpError('payload_too_large', 'Request body is larger than 1 MiB');
    return next();
  });
  registerEvidenceKeyRoute(api, deps);
  api.use('*', authenticate(deps));
  registerRequestRoutes(api, deps);
  registerAuditRecordRoutes(api, deps);
  registerTimelineRoutes(api, deps);
  registerAgentRoutes(api, deps);
  registerEvidenceRoutes(api, deps);
  registerOperatorRoutes(api, deps);
  registerRuntimeRoutes(api, deps);
  app.route(API_PREFIX, api);

  app.notFound((c) => {
    const message = `No route for ${c.req.method} ${c.req.path}`;
    if (isOperatorPath(c.req.path)) return c.json({ ok: false, error: { code: 'not_found', message } }, 404);
    return c.json({ error: 'not_found', message }, 404);
  });

  app.onError((error, c) => {
    const known = error instanceof HttpError ? error : undefined;
    if (!known)
      deps.logger.error(
        { req_id: c.get('requestId'), err: error.message, stack: error.stack },
        'unhandled error',
      );
    const status = (known?.status ?? 500) as 400;
    const code = known?.code ?? 'internal';
    const message = known?.message ?? 'Internal error; the request id is in the server log';
    if (isOperatorPath(c.req.path)) return c.json({ ok: false, error: { code, message } }, status);
    return c.json({ error: code, message, ...(known?.extra ?? {}) }, status);
  });

  return app;
}
