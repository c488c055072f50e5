import type { Hono } from 'hono';
import type { AppEnv, Deps } from './context.js';

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

/** Webhook endpoint health from the latest attempts: when one last succeeded and how many failed since. */
async function webhookHealth(deps: Deps, orgId: string) {
  const attempts = await deps.store.recentAttempts(orgId, 100);
  const ok = (a: (typeof attempts)[number]) =>
    a.status_code !== null && a.status_code >= 200 && a.status_code < 300;
  const lastSuccess = attempts.find(ok);
  const failures = lastSuccess ? attempts.indexOf(lastSuccess) : attempts.length;
  return {
    last_success_at: lastSuccess?.at ?? null,
    last_attempt_at: attempts[0]?.at ?? null,
    consecutive_failures: failures,
    last_error: failures > 0 ? (attempts[0]?.error ?? `HTTP ${attempts[0]?.status_code}`) : null,
  };
}

export function registerRuntimeRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/runtime/status', async (c) => {
    const p = c.get('principal');
    const org = { id: p.org.id, name: p.org.name };
    const webhooks = { format: p.org.webhook_format ?? 'centcom', ...(await webhookHealth(deps, p.org.id)) };
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
        webhooks,
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
      webhooks,
    });
  });
}
