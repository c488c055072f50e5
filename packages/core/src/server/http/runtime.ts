import type { Hono } from 'hono';
import type { AppEnv } from './context.js';

const AGENT_SCOPES = [
  'requests:create',
  'requests:read',
  'requests:wait',
  'requests:cancel_own',
  'audit:write',
  'agents:register',
  'agents:read',
  'evidence:read',
  'traces:read',
];
const REVIEWER_SCOPES = ['requests:read', 'queue:read', 'requests:respond_if_assigned', 'traces:read'];

export function registerRuntimeRoutes(app: Hono<AppEnv>): void {
  app.get('/runtime/status', (c) => {
    const p = c.get('principal');
    const org = { id: p.org.id, name: p.org.name };
    if (p.kind === 'agent') {
      return c.json({
        ok: true,
        org,
        auth: {
          type: 'api_key',
          credential_kind: 'agent_runtime',
          agent_id: p.apiKey.agent_id,
          scopes: AGENT_SCOPES,
        },
      });
    }
    return c.json({
      ok: true,
      org,
      auth: {
        type: 'reviewer_token',
        credential_kind: 'operator',
        agent_id: null,
        operator_id: p.reviewer.id,
        scopes: REVIEWER_SCOPES,
      },
    });
  });
}
