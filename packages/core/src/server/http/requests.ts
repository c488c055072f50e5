import type { Hono } from 'hono';
import type { JsonObject } from '../../protocol/common.js';
import { toLegacyCreateRequestParams } from '../../protocol/normalise.js';
import { type Contro1Request, isProtocolRequest } from '../../protocol/protocol-request.js';
import { isTerminalState } from '../../protocol/status.js';
import { buildRequestRecord } from '../domain/create-request.js';
import { closeMutation } from '../domain/decide.js';
import { toApiRequest } from '../domain/request-view.js';
import { controlMap } from '../domain/routing.js';
import type { RequestFilter } from '../store/store.js';
import {
  type AppEnv,
  agentOf,
  type Deps,
  parseLimit,
  parseTime,
  readJson,
  readJsonObject,
} from './context.js';
import { HttpError, notFound } from './http-error.js';

const CALLBACK_STATES = ['none', 'pending', 'delivered', 'failed'];

export function registerRequestRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const { store } = deps;

  app.post('/requests', async (c) => {
    const { org, apiKey } = agentOf(c);
    const record = buildRequestRecord(await readJson(c), {
      org,
      apiKey,
      idempotencyKeyHeader: c.req.header('idempotency-key') || undefined,
      now: deps.clock(),
      newId: () => deps.newId('req'),
      publicUrl: deps.publicUrl,
      defaultSlaMinutes: deps.defaultSlaMinutes,
    });
    const inserted = await store.insertRequest(record);
    if (inserted.inserted) return c.json(toApiRequest(record, { revealCallback: true }), 201);
    if (inserted.existing.fingerprint !== record.fingerprint) {
      throw new HttpError(
        'idempotency_key_reused',
        'This idempotency key was already used for a different request; an approval is bound to exactly what was asked. Use a new external_request_id for a new action.',
        { request_id: inserted.existing.id },
      );
    }
    c.header('Idempotent-Replayed', 'true');
    return c.json(toApiRequest(inserted.existing, { revealCallback: true }), 200);
  });

  app.get('/requests', async (c) => {
    const q = c.req.query();
    const filter: RequestFilter = {};
    if (q.state) filter.state = q.state.split(',').filter(Boolean);
    if (q.callback_state) {
      if (!CALLBACK_STATES.includes(q.callback_state)) {
        throw new HttpError(
          'invalid_request',
          `callback_state must be one of: ${CALLBACK_STATES.join(', ')}`,
        );
      }
      filter.callback_state = q.callback_state;
    }
    const since = parseTime('decided_since', q.decided_since);
    if (since !== undefined) filter.decided_since = since;
    if (q.thread_id) filter.thread_id = q.thread_id;
    if (q.agent_id) filter.agent_id = q.agent_id;
    if (q.correlation_id) filter.correlation_id = q.correlation_id;
    const page = await store.listRequests(c.get('principal').org.id, filter, {
      limit: parseLimit(q.limit),
      cursor: q.cursor,
    });
    return c.json({ requests: page.items.map((r) => toApiRequest(r)), next_cursor: page.nextCursor });
  });

  app.post('/requests/control-map', async (c) => {
    const raw = await readJsonObject(c);
    delete raw.idempotency_key;
    const body = isProtocolRequest(raw)
      ? (toLegacyCreateRequestParams(raw as Contro1Request) as JsonObject)
      : (raw as JsonObject);
    const principal = c.get('principal');
    const reviewers = await store.listReviewers(principal.org.id);
    const owner = principal.kind === 'agent' ? principal.apiKey.owner_reviewer_id : null;
    return c.json(controlMap(body, reviewers, principal.org.policy_rules ?? [], owner));
  });

  app.get('/requests/:id', async (c) => {
    const record = await store.getRequest(c.get('principal').org.id, c.req.param('id'));
    if (!record) throw notFound();
    return c.json(toApiRequest(record));
  });

  app.delete('/requests/:id', async (c) => {
    const { org, apiKey } = agentOf(c);
    const now = deps.clock();
    const result = await store.mutateRequest(
      org.id,
      c.req.param('id'),
      closeMutation('cancelled', apiKey.id, now, () => deps.newId('dlv')),
    );
    if (!result) throw notFound();
    if (!result.changed) {
      if (result.record.status === 'cancelled')
        return c.json({ ok: true, message: 'Request was already cancelled' });
      throw new HttpError(
        'conflict',
        `Request already has a final outcome (${result.record.status}); it cannot be cancelled`,
      );
    }
    deps.onDeliveryQueued();
    return c.json({ ok: true, message: 'Request cancelled' });
  });

  app.post('/requests/:id/redeliver', async (c) => {
    const { org } = agentOf(c);
    const at = deps.clock();
    const result = await store.mutateRequest(org.id, c.req.param('id'), (current) => {
      if (!isTerminalState(current.state))
        throw new HttpError('conflict', 'Request is not final yet; nothing to deliver');
      if (!current.callback_url)
        throw new HttpError('invalid_request', 'Request has no callback_url; poll it instead');
      const stamp = new Date(at).toISOString();
      const next = { ...current, callback_state: 'pending' as const, updated_at: stamp };
      if (current.state.startsWith('callback_')) {
        next.state = 'callback_pending';
        next.state_history = [
          ...current.state_history,
          { state: 'callback_pending', timestamp: stamp, actor: 'redeliver' },
        ];
      }
      return { next, requeueDelivery: { at }, result: `evt_${current.id}_${current.status}` };
    });
    if (result === undefined) throw notFound();
    deps.onDeliveryQueued();
    return c.json({ ok: true, event_id: result });
  });

  app.get('/requests/:id/deliveries', async (c) => {
    const orgId = c.get('principal').org.id;
    const id = c.req.param('id');
    if (!(await store.getRequest(orgId, id))) throw notFound();
    const delivery = await store.getDelivery(orgId, id);
    const attempts = await store.listAttempts(orgId, id);
    return c.json({
      event_id: delivery?.event_id ?? null,
      status: delivery?.status ?? null,
      next_attempt_at: delivery?.next_attempt_at ? new Date(delivery.next_attempt_at).toISOString() : null,
      attempts: attempts.map(({ org_id: _org, ...a }) => a),
    });
  });
}
