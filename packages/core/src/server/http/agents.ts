import type { Hono } from 'hono';
import { z } from 'zod';
import { formatIssues } from '../../protocol/common.js';
import type { AgentRecord } from '../model.js';
import { type AppEnv, agentOf, type Deps, parseLimit, readJson } from './context.js';
import { HttpError, notFound } from './http-error.js';
import { timelineItem } from './timelines.js';

const registerSchema = z.object({
  name: z.string({ error: 'name is required' }).trim().min(1, { error: 'name is required' }).max(200),
  framework: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  owner: z.string().max(200).optional(),
  parent_agent_id: z.string().max(100).optional(),
});

export function registerAgentRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const { store } = deps;
  const view = async (agent: AgentRecord) => {
    const { org_id: _org, ...rest } = agent;
    return { ...rest, request_count: await store.countRequestsByAgent(agent.org_id, agent.agent_id) };
  };

  app.post('/agents/register', async (c) => {
    const { org, apiKey } = agentOf(c);
    const parsed = registerSchema.safeParse(await readJson(c));
    if (!parsed.success) throw new HttpError('invalid_request', formatIssues(parsed.error.issues));
    const body = parsed.data;
    if (body.parent_agent_id && !(await store.getAgent(org.id, body.parent_agent_id))) {
      throw new HttpError('invalid_request', 'parent_agent_id refers to an unknown agent');
    }
    const id = deps.newId('agt');
    const result = await store.registerAgent({
      agent_id: id,
      org_id: org.id,
      name: body.name,
      framework: body.framework ?? null,
      description: body.description ?? null,
      owner: body.owner ?? null,
      parent_agent_id: body.parent_agent_id ?? null,
      status: 'active',
      // Identity asserted by the caller; "verified" is reserved for keys bound to the agent.
      verification_status: apiKey.agent_id === id ? 'verified' : 'claimed',
      created_at: new Date(deps.clock()).toISOString(),
    });
    return c.json({ created: result.created, agent: await view(result.agent) }, result.created ? 201 : 200);
  });

  app.get('/agents', async (c) => {
    const q = c.req.query();
    const filter: { framework?: string; verification_status?: string; status?: string } = {};
    if (q.framework) filter.framework = q.framework;
    if (q.verification_status) filter.verification_status = q.verification_status;
    if (q.status) filter.status = q.status;
    const agents = await store.listAgents(c.get('principal').org.id, filter);
    return c.json({ agents: await Promise.all(agents.map(view)) });
  });

  app.get('/agents/:id', async (c) => {
    const agent = await store.getAgent(c.get('principal').org.id, c.req.param('id'));
    if (!agent) throw notFound('Agent');
    return c.json({ agent: await view(agent) });
  });

  app.get('/agents/:id/trail', async (c) => {
    const orgId = c.get('principal').org.id;
    const id = c.req.param('id');
    if (!(await store.getAgent(orgId, id))) throw notFound('Agent');
    const traceId = c.req.query('trace_id');
    const page = await store.timeline(orgId, traceId ? 'trace_id' : 'agent_id', traceId ?? id, {
      limit: parseLimit(c.req.query('limit')),
      cursor: c.req.query('cursor'),
    });
    const items = page.items
      .filter(
        (e) =>
          !traceId ||
          e.record.agent_id === id ||
          (e.record.actor as { agent_id?: string } | undefined)?.agent_id === id,
      )
      .map(timelineItem);
    return c.json({ id, agent_id: id, items, next_cursor: page.nextCursor });
  });
}
