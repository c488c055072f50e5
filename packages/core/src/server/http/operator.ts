import type { Context, Hono } from 'hono';
import { isTerminalState } from '../../protocol/status.js';
import { type Answer, answerMutation, type PolicyInput } from '../domain/decide.js';
import { describeEligibility, type EffectivePolicy, mayDecide } from '../domain/policy.js';
import { toApiRequest } from '../domain/request-view.js';
import { knownRoles } from '../domain/routing.js';
import type { RequestRecord, ReviewerRecord } from '../model.js';
import { type AppEnv, type Deps, readJsonObject, reviewerOf } from './context.js';
import { HttpError, notFound } from './http-error.js';

const PRIORITY_RANK: Record<string, number> = { urgent: 0, normal: 1 };

const queueOrder = (a: RequestRecord, b: RequestRecord) =>
  (PRIORITY_RANK[a.priority] ?? 1) - (PRIORITY_RANK[b.priority] ?? 1) ||
  Date.parse(a.expires_at) - Date.parse(b.expires_at);

function parseAnswer(body: Record<string, unknown>): Answer {
  const answer: Answer = {};
  if (body.approved !== undefined) {
    if (typeof body.approved !== 'boolean')
      throw new HttpError('invalid_request', 'approved must be a boolean');
    answer.approved = body.approved;
  }
  if (body.value !== undefined) {
    if (typeof body.value !== 'boolean' && typeof body.value !== 'string') {
      throw new HttpError('invalid_request', 'value must be a boolean or a string');
    }
    answer.value = body.value;
  }
  if (body.edited_input !== undefined && body.edited_input !== null) {
    if (typeof body.edited_input !== 'object' || Array.isArray(body.edited_input)) {
      throw new HttpError('invalid_request', 'edited_input must be a JSON object of tool arguments');
    }
    answer.edited_input = body.edited_input as Record<string, unknown>;
  }
  for (const key of ['comment', 'reason'] as const) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new HttpError('invalid_request', `${key} must be a string`);
    if (v.length > 4000) throw new HttpError('invalid_request', `${key} must be at most 4000 characters`);
    answer[key] = v;
  }
  return answer;
}

/**
 * Reviewer routes (14.3) with the upstream `{ok, data}` envelope. Agents are refused here: an agent key can
 * never answer a request.
 */
export function registerOperatorRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const { store } = deps;

  const eligibility = async (c: Context<AppEnv>) => {
    const { org, reviewer } = reviewerOf(c);
    const reviewers = await store.listReviewers(org.id);
    const roles = knownRoles(reviewers);
    const byId = new Map(reviewers.map((r) => [r.id, r]));
    const input = (r: RequestRecord): PolicyInput => ({
      policy: r.effective_policy as unknown as EffectivePolicy,
      ctx: { knownRoles: roles, ownerReviewerId: (r.owner_reviewer_id as string | null | undefined) ?? null },
      reviewers: byId,
    });
    const can = (r: RequestRecord) => {
      const { policy, ctx } = input(r);
      return mayDecide(policy, reviewer, ctx);
    };
    return { org, reviewer, can, input };
  };
  const refusal = (r: RequestRecord) =>
    new HttpError(
      'forbidden',
      `You may not decide this request: it needs ${describeEligibility(r.effective_policy as unknown as EffectivePolicy)}`,
    );

  const view = (r: RequestRecord, reviewer: ReviewerRecord, can: boolean) => ({
    ...toApiRequest(r),
    can_answer: can && !isTerminalState(r.state),
    claimed_by_me: r.claimed_by === reviewer.id,
  });

  app.get('/operator/queue', async (c) => {
    const { org, reviewer, can } = await eligibility(c);
    const open = await store.listRequests(org.id, { open: true }, { limit: 200 });
    const mine = open.items.filter(can).sort(queueOrder);
    return c.json({ ok: true, data: mine.map((r) => view(r, reviewer, true)) });
  });

  app.get('/operator/my-requests', async (c) => {
    const { org, reviewer, can } = await eligibility(c);
    const recent = await store.listRequests(org.id, {}, { limit: 200 });
    const mine = recent.items.filter(
      (r) =>
        r.claimed_by === reviewer.id ||
        (r.response as { operator?: { id?: string } } | null)?.operator?.id === reviewer.id,
    );
    return c.json({ ok: true, data: mine.map((r) => view(r, reviewer, can(r))) });
  });

  /** One request for the console: also who may decide it and the agent as claimed vs as registered. */
  app.get('/operator/queue/:id', async (c) => {
    const { org, reviewer, can } = await eligibility(c);
    const record = await store.getRequest(org.id, c.req.param('id'));
    if (!record) throw notFound();
    const agentId = typeof record.agent_id === 'string' ? record.agent_id : null;
    const registered = agentId ? await store.getAgent(org.id, agentId) : undefined;
    const actor = (record.actor ?? (record.metadata as { actor?: unknown } | null)?.actor ?? {}) as {
      agent_name?: unknown;
    };
    return c.json({
      ok: true,
      data: {
        ...view(record, reviewer, can(record)),
        eligible_reviewers: describeEligibility(record.effective_policy as unknown as EffectivePolicy),
        agent_identity: {
          claimed: {
            agent_id: agentId,
            agent_name: typeof actor.agent_name === 'string' ? actor.agent_name : null,
          },
          registered: registered
            ? {
                name: registered.name,
                framework: registered.framework,
                verification_status: registered.verification_status,
              }
            : null,
        },
      },
    });
  });

  app.post('/operator/queue/:id/claim', async (c) => {
    const { org, reviewer, can } = await eligibility(c);
    const now = new Date(deps.clock()).toISOString();
    const record = await store.mutateRequest(org.id, c.req.param('id'), (current) => {
      if (!can(current)) throw refusal(current);
      if (isTerminalState(current.state))
        throw new HttpError('conflict', `Request already has a final outcome (${current.status})`);
      if (current.claimed_by === reviewer.id) return { result: current };
      if (current.claimed_by) throw new HttpError('conflict', 'Request is claimed by another reviewer');
      const next: RequestRecord = {
        ...current,
        claimed_by: reviewer.id,
        state: 'assigned',
        status: 'in_review',
        updated_at: now,
        state_history: [...current.state_history, { state: 'assigned', timestamp: now, actor: reviewer.id }],
      };
      return { next, result: next };
    });
    if (!record) throw notFound();
    return c.json({ ok: true, data: view(record, reviewer, true) });
  });

  app.post('/operator/queue/:id/respond', async (c) => {
    const { org, reviewer, can, input } = await eligibility(c);
    const answer = parseAnswer(await readJsonObject(c));
    const now = deps.clock();
    const result = await store.mutateRequest(org.id, c.req.param('id'), (current) => {
      if (!can(current)) throw refusal(current);
      return answerMutation(reviewer, answer, now, () => deps.newId('dlv'), input(current))(current);
    });
    if (!result) throw notFound();
    if (result.changed) deps.onDeliveryQueued();
    const { record } = result;
    return c.json({
      ok: true,
      data: {
        outcome: record.status,
        state: record.state,
        changed: result.changed,
        partial: result.partial,
        request: view(record, reviewer, false),
      },
    });
  });
}
