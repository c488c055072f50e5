import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRequestParams } from '../protocol/legacy-request.js';
import { type Harness, startHarness, startReceiver, waitFor } from '../testing/harness.js';

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver(h.org.webhook_secret, h.client);
  tokens.admin = h.org.reviewer_token;
  ids.admin = h.org.reviewer_id;
  for (const [name, roles, departments] of [
    ['fin1', ['finance'], []],
    ['fin2', ['finance'], []],
    ['legal1', ['legal'], []],
    ['sec1', ['security'], ['d1']],
  ] as const) {
    const r = await h.admin.createReviewer(h.org.org_id, {
      name,
      roles: [...roles],
      departments: [...departments],
    });
    tokens[name] = r.reviewer_token;
    ids[name] = r.id;
  }
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

const respond = (
  who: string,
  id: string,
  body: Record<string, unknown> = { approved: true, comment: `ok from ${who}` },
) => h.operator(tokens[who] as string).post(`/operator/queue/${id}/respond`, body);
const events = (id: string) => receiver.raw.filter((e) => e.body.request_id === id);
const base = (extra: Partial<CreateRequestParams> = {}): CreateRequestParams => ({
  type: 'approval',
  question: 'Wire $50,000 to vendor',
  context: { tool_name: 'wire_transfer', tool_input: { amount: 50_000 } },
  callback_url: receiver.url,
  ...extra,
});

describe('quorum policies', () => {
  it('2-of-2 with separation of duties: the same reviewer twice is 409 and not counted; two reviewers → one webhook', async () => {
    const req = await h.client.createRequest(
      base({ approval_policy: { mode: 'threshold', required_approvals: 2, separation_of_duties: true } }),
    );
    const first = await respond('fin1', req.id);
    expect(first.body).toMatchObject({
      ok: true,
      data: { partial: true, outcome: 'in_review', state: 'assigned' },
    });
    const twice = await respond('fin1', req.id);
    expect(twice).toMatchObject({ status: 409, body: { ok: false, error: { code: 'conflict' } } });
    const open = await h.client.getRequest(req.id);
    expect(open.approval_records).toHaveLength(1);
    expect(open.protocol_response).toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    expect(events(req.id)).toHaveLength(0);
    expect((await respond('fin2', req.id)).body).toMatchObject({
      data: { partial: false, outcome: 'approved' },
    });
    await waitFor(() => receiver.decisions.find((d) => d.requestId === req.id));
    await new Promise((r) => setTimeout(r, 150));
    expect(events(req.id)).toHaveLength(1);
    expect((await h.client.getRequest(req.id)).approval_records?.map((a) => a.operator_id)).toEqual([
      ids.fin1,
      ids.fin2,
    ]);
  });

  it('the reviewer who owns the requesting API key never counts', async () => {
    const owned = await h.admin.createApiKey(h.org.org_id, { label: 'fin1-bot', ownerReviewerId: ids.fin1 });
    const client = h.clientFor(owned.api_key);
    const req = await client.createRequest(
      base({ approval_policy: { mode: 'threshold', required_approvals: 1 } }),
    );
    expect((await respond('fin1', req.id)).status).toBe(403);
    expect((await respond('fin2', req.id)).body).toMatchObject({ data: { outcome: 'approved' } });
  });

  it('any_of roles: only holders of one of the roles decide', async () => {
    const req = await h.client.createRequest(
      base({ approval_policy: { mode: 'any_of', required_roles: ['legal', 'security'] } }),
    );
    expect((await respond('fin1', req.id)).status).toBe(403);
    const queue = await h.operator(tokens.fin1 as string).get('/operator/queue');
    expect((queue.body.data as { id: string }[]).map((r) => r.id)).not.toContain(req.id);
    expect((await respond('legal1', req.id)).body).toMatchObject({
      data: { outcome: 'approved', partial: false },
    });
  });

  it('all_of roles needs one approval from each role', async () => {
    const req = await h.client.createRequest(
      base({ approval_policy: { mode: 'all_of', required_roles: ['finance', 'legal'] } }),
    );
    expect((await respond('fin1', req.id)).body).toMatchObject({ data: { partial: true } });
    expect((await respond('fin2', req.id)).body).toMatchObject({ data: { partial: true } });
    expect((await respond('legal1', req.id)).body).toMatchObject({
      data: { partial: false, outcome: 'approved' },
    });
  });

  it('threshold expiry before quorum → timed_out, one webhook', async () => {
    const req = await h.client.createProtocolRequest({
      title: 'Needs two before it expires',
      request_type: 'approval',
      source: { integration: 'test' },
      continuation: {
        mode: 'decision',
        callback_url: receiver.url,
        expires_at: new Date(Date.now() + 500).toISOString(),
      },
      approval_policy: { mode: 'threshold', required_approvals: 2 },
    });
    await respond('fin1', req.id);
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === req.id), 5_000);
    expect(decision.outcome).toBe('timed_out');
    expect(events(req.id)).toHaveLength(1);
    expect((await h.client.getRequest(req.id)).approval_records).toHaveLength(1);
  });

  it('the first rejection ends the request', async () => {
    const req = await h.client.createRequest(
      base({ approval_policy: { mode: 'threshold', required_approvals: 3 } }),
    );
    await respond('fin1', req.id);
    expect(
      (await respond('legal1', req.id, { approved: false, comment: 'Vendor not verified' })).body,
    ).toMatchObject({
      data: { outcome: 'denied' },
    });
    expect((await respond('fin2', req.id)).status).toBe(409);
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === req.id));
    expect(decision).toMatchObject({ outcome: 'denied', comment: 'Vendor not verified' });
  });
});

describe('organisation rules tighten, never loosen', () => {
  it('a rule raises single to two approvals; a request asking for more keeps its own bar', async () => {
    const rule = await h.admin.addPolicyRule(h.org.org_id, {
      match: { tool_name: 'wire_transfer', risk_level: 'high' },
      min_approvals: 2,
      comment_required: true,
    });
    const req = await h.client.createRequest(base({ risk_level: 'critical' }));
    expect(req.effective_policy).toMatchObject({ mode: 'threshold', rules_applied: [rule.id] });
    expect(req.decision_comment_policy).toBe('always');
    expect((await respond('fin1', req.id, { approved: true })).status).toBe(400);
    expect((await respond('fin1', req.id)).body).toMatchObject({ data: { partial: true } });
    expect((await respond('fin2', req.id)).body).toMatchObject({ data: { outcome: 'approved' } });

    const more = await h.client.createRequest(
      base({ risk_level: 'high', approval_policy: { mode: 'threshold', required_approvals: 3 } }),
    );
    await respond('fin1', more.id);
    await respond('fin2', more.id);
    expect((await h.client.getRequest(more.id)).status).toBe('in_review');
    expect((await respond('legal1', more.id)).body).toMatchObject({ data: { outcome: 'approved' } });

    const low = await h.client.createRequest(base({ risk_level: 'medium' }));
    expect(low.effective_policy).toMatchObject({ rules_applied: [] });
    expect((await respond('fin1', low.id)).body).toMatchObject({ data: { outcome: 'approved' } });
    await h.admin.removePolicyRule(h.org.org_id, rule.id);
  });

  it('a rule requiring a role adds that role on top of the request’s own', async () => {
    const rule = await h.admin.addPolicyRule(h.org.org_id, {
      match: { action_type: 'payment' },
      required_roles: ['security'],
    });
    const req = await h.client.createProtocolRequest({
      title: 'Pay',
      request_type: 'approval',
      source: { integration: 'test' },
      continuation: { mode: 'decision' },
      context: { action_type: 'payment', tool_name: 'pay' },
      routing: { required_role: 'finance' },
    });
    expect((await respond('fin1', req.id)).body).toMatchObject({ data: { partial: true } });
    expect((await respond('sec1', req.id)).body).toMatchObject({ data: { outcome: 'approved' } });
    await h.admin.removePolicyRule(h.org.org_id, rule.id);
  });
});

describe('control map = enforcement', () => {
  const scenarios: [string, Partial<CreateRequestParams>][] = [
    ['single', {}],
    ['threshold 2', { approval_policy: { mode: 'threshold', required_approvals: 2 } }],
    ['threshold 6 (five reviewers)', { approval_policy: { mode: 'threshold', required_approvals: 6 } }],
    ['all_of finance+legal', { approval_policy: { mode: 'all_of', required_roles: ['finance', 'legal'] } }],
    [
      'threshold 2 of legal (one legal reviewer)',
      { approval_policy: { mode: 'threshold', required_approvals: 2, required_roles: ['legal'] } },
    ],
    ['any_of hr (unmapped → admins)', { approval_policy: { mode: 'any_of', required_roles: ['hr'] } }],
    [
      'threshold 2 of hr (one admin)',
      { approval_policy: { mode: 'threshold', required_approvals: 2, required_roles: ['hr'] } },
    ],
    ['department d1', { approval_policy: { mode: 'single', required_department_ids: ['d1'] } }],
    ['department d2 (nobody)', { approval_policy: { mode: 'single', required_department_ids: ['d2'] } }],
    ['required_role legal', { required_role: 'legal' }],
  ];

  it.each(scenarios)('%s', async (_name, extra) => {
    const body = base(extra);
    const map = await h.client.previewControlMap(body);
    const req = await h.client.createRequest(body);
    for (const who of Object.keys(tokens)) await respond(who, req.id);
    const final = await h.client.getRequest(req.id);
    expect(final.status === 'approved').toBe(map.satisfiable);
    if (!map.satisfiable) {
      expect(map.status).not.toBe('ready');
      expect(map.warnings.map((w) => w.code)).toContain('insufficient_reviewers');
    }
  });

  it('reports unmapped roles and owner exclusion', async () => {
    const unmapped = await h.client.previewControlMap(
      base({ approval_policy: { mode: 'any_of', required_roles: ['hr'] } }),
    );
    expect(unmapped).toMatchObject({
      status: 'needs_mapping',
      satisfiable: true,
      warnings: [{ code: 'unmapped_role', role: 'hr' }],
    });
    const owned = await h.admin.createApiKey(h.org.org_id, { ownerReviewerId: ids.legal1 });
    const map = await h.clientFor(owned.api_key).previewControlMap(base({ required_role: 'legal' }));
    expect(map).toMatchObject({ satisfiable: false, status: 'needs_capacity', eligible_reviewer_count: 0 });
  });
});
