import type { Hono } from 'hono';
import { auditRecordCreateSchema } from '../../protocol/audit-record.js';
import { formatIssues, type JsonObject } from '../../protocol/common.js';
import type { AuditRecordRow } from '../model.js';
import type { AuditFilter } from '../store/store.js';
import { type AppEnv, agentOf, type Deps, parseLimit, parseTime, readJson } from './context.js';
import { HttpError, notFound } from './http-error.js';

export function registerAuditRecordRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const { store } = deps;

  app.post('/audit-records', async (c) => {
    const { org, apiKey } = agentOf(c);
    const parsed = auditRecordCreateSchema.safeParse(await readJson(c));
    if (!parsed.success)
      throw new HttpError('invalid_request', `Invalid audit record: ${formatIssues(parsed.error.issues)}`);
    const body = parsed.data;
    if (body.in_reply_to) {
      const target =
        body.in_reply_to.type === 'request'
          ? await store.getRequest(org.id, body.in_reply_to.id)
          : await store.getAuditRecord(org.id, body.in_reply_to.id);
      if (!target)
        throw new HttpError('invalid_request', `in_reply_to refers to an unknown ${body.in_reply_to.type}`);
      const targetCase = target.correlation_id as string | undefined;
      if (body.correlation_id && targetCase && targetCase !== body.correlation_id) {
        throw new HttpError(
          'invalid_request',
          'in_reply_to must be in the same case (correlation_id) as this record',
        );
      }
    }
    const agentId = body.actor?.agent_id ?? apiKey.agent_id ?? undefined;
    const record: AuditRecordRow = {
      ...(body as JsonObject),
      action: body.action,
      id: deps.newId('aud'),
      org_id: org.id,
      recorded_at: new Date(deps.clock()).toISOString(),
      outcome: body.outcome ?? 'success',
      severity: body.severity ?? 'info',
      ...(agentId ? { actor: { ...(body.actor ?? {}), agent_id: agentId } } : {}),
    };
    const key = body.external_request_id ?? c.req.header('idempotency-key') ?? null;
    const inserted = await store.insertAuditRecord(record, key);
    if (inserted.inserted) return c.json(record, 201);
    c.header('Idempotent-Replayed', 'true');
    return c.json(inserted.existing, 200);
  });

  app.get('/audit-records', async (c) => {
    const q = c.req.query();
    const filter: AuditFilter = {};
    for (const key of [
      'action',
      'actor_agent_id',
      'actor_user_id',
      'source_integration',
      'workflow_id',
      'outcome',
      'severity',
      'correlation_id',
      'external_request_id',
      'thread_id',
      'trace_id',
      'q',
    ] as const) {
      if (q[key]) filter[key] = q[key];
    }
    if (q.tags) filter.tags = q.tags.split(',').filter(Boolean);
    const from = parseTime('from', q.from);
    const to = parseTime('to', q.to);
    if (from !== undefined) filter.from = from;
    if (to !== undefined) filter.to = to;
    const page = await store.listAuditRecords(c.get('principal').org.id, filter, {
      limit: parseLimit(q.limit),
      cursor: q.cursor,
    });
    return c.json({ audit_records: page.items, next_cursor: page.nextCursor });
  });

  app.get('/audit-records/:id', async (c) => {
    const record = await store.getAuditRecord(c.get('principal').org.id, c.req.param('id'));
    if (!record) throw notFound('Audit record');
    return c.json(record);
  });
}
