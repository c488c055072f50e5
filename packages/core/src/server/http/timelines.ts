import type { Hono } from 'hono';
import { toApiRequest } from '../domain/request-view.js';
import type { TimelineEntry, TimelineKey } from '../store/store.js';
import { type AppEnv, type Deps, parseLimit } from './context.js';
import { notFound } from './http-error.js';

/** One timeline item: `{kind, id, at, …record}` (14.5). */
export function timelineItem(entry: TimelineEntry): Record<string, unknown> {
  if (entry.kind === 'request')
    return { kind: 'request', at: entry.record.created_at, ...toApiRequest(entry.record) };
  return { kind: 'audit_record', at: entry.record.recorded_at, ...entry.record };
}

export function registerTimelineRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const route = (path: string, key: TimelineKey) =>
    app.get(path, async (c) => {
      const orgId = c.get('principal').org.id;
      const id = c.req.param('id') as string;
      const page = await deps.store.timeline(orgId, key, id, {
        limit: parseLimit(c.req.query('limit')),
        cursor: c.req.query('cursor'),
      });
      const items = page.items.map(timelineItem);
      if (key !== 'trace_id') return c.json({ id, items, next_cursor: page.nextCursor });
      const children = await deps.store.childTraces(orgId, id);
      if (items.length === 0 && children.length === 0) throw notFound('Trace');
      const parent =
        page.items.find((e) => typeof e.record.parent_trace_id === 'string')?.record.parent_trace_id ?? null;
      return c.json({ id, parent_trace_id: parent, children, items, next_cursor: page.nextCursor });
    });
  route('/threads/:id', 'thread_id');
  route('/cases/:id', 'correlation_id');
  route('/traces/:id', 'trace_id');
}
