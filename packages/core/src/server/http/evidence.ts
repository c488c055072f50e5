import type { Hono } from 'hono';
import { agentEvidence, packetToCsv, requestEvidence } from '../evidence/packet.js';
import { publicEvidenceKeys } from '../evidence/signing-keys.js';
import { type AppEnv, type Deps, parseLimit } from './context.js';
import { HttpError, notFound } from './http-error.js';

/** Public key list: no authentication, so auditors can fetch what they need to verify (14.6). */
export function registerEvidenceKeyRoute(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/evidence/keys', async (c) => c.json({ keys: await publicEvidenceKeys(deps.store) }));
}

export function registerEvidenceRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const format = (value: string | undefined) => {
    if (value === undefined || value === 'json' || value === 'csv') return value ?? 'json';
    throw new HttpError('invalid_request', 'format must be json or csv');
  };

  app.get('/requests/:id/evidence', async (c) => {
    const orgId = c.get('principal').org.id;
    const request = await deps.store.getRequest(orgId, c.req.param('id'));
    if (!request) throw notFound();
    const packet = await requestEvidence(deps.store, request, deps.clock());
    if (format(c.req.query('format')) === 'csv')
      return c.body(packetToCsv(packet), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(packet);
  });

  app.get('/agents/:id/evidence', async (c) => {
    const orgId = c.get('principal').org.id;
    const agentId = c.req.param('id');
    if (!(await deps.store.getAgent(orgId, agentId))) throw notFound('Agent');
    const packet = await agentEvidence(
      deps.store,
      orgId,
      agentId,
      parseLimit(c.req.query('limit'), 100),
      deps.clock(),
    );
    if (format(c.req.query('format')) === 'csv')
      return c.body(packetToCsv(packet), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(packet);
  });
}
