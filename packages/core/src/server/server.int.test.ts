import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentcomClient } from '../client/centcom-client.js';
import { Contro1Error } from '../client/errors.js';
import { type Harness, startHarness, startReceiver, waitFor } from '../testing/harness.js';

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let reviewer: ReturnType<Harness['operator']>;

beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver(h.org.webhook_secret, h.client);
  reviewer = h.operator(h.org.reviewer_token);
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

const approval = (extra: Record<string, unknown> = {}) => ({
  type: 'approval' as const,
  question: 'Pay invoice 1042?',
  context: 'Vendor Acme, $12,400',
  callback_url: receiver.url,
  ...extra,
});

async function raw(
  method: string,
  path: string,
  body?: string,
  token = h.org.api_key,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${h.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('health and create', () => {
  it('serves /health at the host root', async () => {
    const res = await fetch(`${h.baseUrl}/health`);
    expect(await res.json()).toEqual({ ok: true, version: expect.any(String) });
  });

  it('creates a legacy request: 201, request_id, expires_at, queued/pending', async () => {
    const res = await raw('POST', '/requests', JSON.stringify(approval({ priority: 'urgent' })));
    expect(res.status).toBe(201);
    const body = res.body;
    expect(body).toMatchObject({
      state: 'queued',
      status: 'pending',
      callback_state: 'none',
      type: 'approval',
      protocol_response: null,
    });
    expect(body.request_id).toBe(body.id);
    expect(Date.parse(body.expires_at as string) - Date.parse(body.created_at as string)).toBe(3 * 60_000);
    expect(body.reviewer_url).toBe(`http://127.0.0.1/console/requests/${body.id}`);
    expect(body).not.toHaveProperty('org_id');
    expect(body).not.toHaveProperty('fingerprint');
  });

  it('creates a protocol request as-is and normalises it', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const created = await h.client.createProtocolRequest({
      title: 'Deploy api to production',
      request_type: 'approval',
      source: { integration: 'cli', run_id: 'run-1' },
      continuation: { mode: 'decision', callback_url: receiver.url, expires_at: expires },
      context: { tool_name: 'deploy', tool_input: { service: 'api' } },
      routing: { priority: 'high' },
      risk_level: 'high',
      thread_id: 'thr_deploys',
    });
    expect(created).toMatchObject({
      question: 'Deploy api to production',
      type: 'approval',
      priority: 'urgent',
      callback_url: receiver.url,
      risk_level: 'high',
      thread_id: 'thr_deploys',
      expires_at: expires,
      metadata: { protocol_version: 'integration-v1', source: { integration: 'cli', run_id: 'run-1' } },
    });
    expect(created.context).toContain('Tool input: {"service":"api"}');
  });
});

describe('idempotency (14.2)', () => {
  it('replays with 200 and Idempotent-Replayed, refuses a different body with 422', async () => {
    const body = JSON.stringify(approval({ external_request_id: 'pay:1042' }));
    const first = await raw('POST', '/requests', body);
    const again = await raw('POST', '/requests', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const changed = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ external_request_id: 'pay:1042', context: 'Vendor Evil, $99,000' })),
    );
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ error: 'idempotency_key_reused', request_id: first.body.id });
  });

  it('lets fields outside the fingerprint differ on a retry and keeps the original', async () => {
    const first = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ external_request_id: 'k-meta', metadata: { a: 1 } })),
    );
    const retry = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ external_request_id: 'k-meta', metadata: { a: 2 } })),
    );
    expect(retry.status).toBe(200);
    expect(retry.body.metadata).toEqual({ a: 1 });
    expect(retry.body.id).toBe(first.body.id);
  });

  it('uses the Idempotency-Key header, except when it is the case id', async () => {
    const a = await raw('POST', '/requests', JSON.stringify(approval()), h.org.api_key, {
      'idempotency-key': 'hdr-1',
    });
    const b = await raw('POST', '/requests', JSON.stringify(approval()), h.org.api_key, {
      'idempotency-key': 'hdr-1',
    });
    expect(b.body.id).toBe(a.body.id);
    const c1 = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ correlation_id: 'case-9' })),
      h.org.api_key,
      { 'idempotency-key': 'case-9' },
    );
    const c2 = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ correlation_id: 'case-9', question: 'Second step?' })),
      h.org.api_key,
      {
        'idempotency-key': 'case-9',
      },
    );
    expect(c1.status).toBe(201);
    expect(c2.status).toBe(201);
    expect(c2.body.id).not.toBe(c1.body.id);
  });

  it('50 parallel identical creates make exactly one request', async () => {
    const body = approval({ external_request_id: 'parallel-1', thread_id: 'thr_parallel' });
    const results = await Promise.all(Array.from({ length: 50 }, () => h.client.createRequest(body)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const list = await h.client.listRequests({ thread_id: 'thr_parallel' });
    expect(list.requests).toHaveLength(1);
  });
});

describe('bad input gets {error, message}, never a 5xx', () => {
  it.each([
    ['malformed JSON', '{"type":', 400, 'invalid_request', /Malformed JSON/],
    ['array body', '[]', 400, 'invalid_request', /JSON object/],
    [
      'wrong types',
      JSON.stringify({ type: 'approval', question: 5, context: 'c', sla_minutes: 'ten' }),
      400,
      'invalid_request',
      /question is required; sla_minutes must be a positive integer/,
    ],
    [
      'protocol rules',
      JSON.stringify({ title: '', request_type: 'x', source: {}, continuation: { mode: 'decision' } }),
      400,
      'invalid_request',
      /^Invalid Contro1Request: title is required; request_type must be one of/,
    ],
    [
      'single mode asking for two approvals',
      JSON.stringify({
        type: 'approval',
        question: 'q',
        context: 'c',
        approval_policy: { mode: 'single', required_approvals: 2 },
      }),
      400,
      'invalid_request',
      /cannot require more than one approval/,
    ],
    [
      'expires_at in the past',
      JSON.stringify({
        title: 't',
        request_type: 'approval',
        source: { integration: 'x' },
        continuation: { mode: 'decision', expires_at: '2001-01-01T00:00:00Z' },
      }),
      400,
      'invalid_request',
      /future/,
    ],
    [
      'bad callback URL',
      JSON.stringify({ type: 'approval', question: 'q', context: 'c', callback_url: 'ftp://x' }),
      400,
      'invalid_request',
      /http\(s\)/,
    ],
  ])('%s', async (_name, body, status, code, message) => {
    const res = await raw('POST', '/requests', body);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(code);
    expect(res.body.message).toMatch(message);
  });

  it('413 above 1 MiB', async () => {
    // The server stops reading an oversized body, so this connection is not reused afterwards.
    const res = await raw(
      'POST',
      '/requests',
      JSON.stringify(approval({ context: 'x'.repeat(1024 * 1024 + 10) })),
      h.org.api_key,
      {
        connection: 'close',
      },
    );
    expect(res).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('413 for a chunked body (no Content-Length) once it passes 1 MiB', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${h.apiUrl}/requests`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.org.api_key}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      req.write('{"type":"approval","question":"q","context":"');
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end('"}');
    });
    expect(status).toBe(413);
  });

  it('401 without or with a bad key, 404 for unknown ids and routes', async () => {
    const none = await fetch(`${h.apiUrl}/requests`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
    expect((await raw('GET', '/requests', undefined, 'cc_live_nope')).status).toBe(401);
    expect(await raw('GET', '/requests/req_missing')).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'Request not found' },
    });
    expect((await raw('GET', '/nothing-here')).status).toBe(404);
  });

  it('bad list parameters are 400', async () => {
    expect((await raw('GET', '/requests?limit=zero')).status).toBe(400);
    expect((await raw('GET', '/requests?decided_since=yesterday')).status).toBe(400);
    expect((await raw('GET', '/requests?callback_state=lost')).status).toBe(400);
  });
});

describe('decisions and signed webhooks', () => {
  const eventsFor = (id: string) => receiver.raw.filter((r) => r.body.request_id === id);

  it('approve → signed webhook, confirmed by the receiver, state callback_delivered', async () => {
    const created = await h.client.createRequest(approval({ metadata: { langgraph_thread_id: 't-1' } }));
    const claim = await reviewer.post(`/operator/queue/${created.id}/claim`);
    expect(claim.body).toMatchObject({ ok: true, data: { state: 'assigned', status: 'in_review' } });
    const answered = await reviewer.post(`/operator/queue/${created.id}/respond`, {
      approved: true,
      comment: 'Verified by phone',
    });
    expect(answered).toMatchObject({
      status: 200,
      body: { ok: true, data: { outcome: 'approved', state: 'callback_pending' } },
    });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
    expect(decision).toMatchObject({ outcome: 'approved', comment: 'Verified by phone', decidedBy: 'Admin' });
    const event = eventsFor(created.id)[0]!;
    expect(event.eventId).toBe(`evt_${created.id}_approved`);
    expect(event.headers['x-centcom-event-id']).toBe(event.eventId);
    expect(event.headers['x-centcom-request-id']).toBe(created.id);
    expect(event.body).toMatchObject({
      state: 'answered',
      status: 'approved',
      decision_type: 'approve',
      message: 'Verified by phone',
      response: { approved: true, comment: 'Verified by phone' },
      metadata: { langgraph_thread_id: 't-1' },
      protocol_response: { request_id: created.id, status: 'approved', decision_type: 'approve' },
    });
    const after = await waitFor(async () => {
      const r = await h.client.getRequest(created.id);
      return r.state === 'callback_delivered' && r;
    });
    expect(after).toMatchObject({ status: 'approved', callback_state: 'delivered', responded_by: 'Admin' });
    expect(after.state_history?.map((s) => s.state)).toEqual([
      'created',
      'queued',
      'assigned',
      'answered',
      'callback_pending',
      'callback_delivered',
    ]);
    const log = await raw('GET', `/requests/${created.id}/deliveries`);
    expect(log.body).toMatchObject({
      event_id: event.eventId,
      status: 'delivered',
      attempts: [{ attempt: 1, status_code: 200, error: null }],
    });
  });

  it('a rejection needs a comment; then the webhook says denied', async () => {
    const created = await h.client.createRequest(approval());
    const bare = await reviewer.post(`/operator/queue/${created.id}/respond`, { approved: false });
    expect(bare).toMatchObject({ status: 400, body: { ok: false, error: { code: 'invalid_request' } } });
    await reviewer.post(`/operator/queue/${created.id}/respond`, {
      approved: false,
      comment: 'Bank details changed yesterday',
    });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
    expect(decision.outcome).toBe('denied');
  });

  it('comment rules: high risk and approval_comment_required need a comment to approve', async () => {
    const risky = await h.client.createRequest(approval({ risk_level: 'critical' }));
    expect((await reviewer.post(`/operator/queue/${risky.id}/respond`, { approved: true })).status).toBe(400);
    const forced = await h.client.createRequest(approval({ approval_comment_required: true }));
    expect(
      (await reviewer.post(`/operator/queue/${forced.id}/respond`, { approved: true, comment: ' ' })).status,
    ).toBe(400);
    expect(
      (await reviewer.post(`/operator/queue/${forced.id}/respond`, { approved: true, comment: 'ok' })).status,
    ).toBe(200);
  });

  it('yes_no and free_text answers', async () => {
    const yn = await h.client.createRequest({ type: 'yes_no', question: 'Proceed?', context: 'c' });
    expect((await reviewer.post(`/operator/queue/${yn.id}/respond`, { value: 'maybe' })).status).toBe(400);
    await reviewer.post(`/operator/queue/${yn.id}/respond`, { value: true });
    expect(await h.client.getRequest(yn.id)).toMatchObject({
      state: 'answered',
      status: 'approved',
      callback_state: 'none',
    });
    const ft = await h.client.createRequest({ type: 'free_text', question: 'Which account?', context: 'c' });
    expect((await reviewer.post(`/operator/queue/${ft.id}/respond`, { value: '' })).status).toBe(400);
    await reviewer.post(`/operator/queue/${ft.id}/respond`, { value: 'ACC-7' });
    const decision = await h.client.waitForDecision(ft.id, { intervalMs: 10 });
    expect(decision).toMatchObject({ outcome: 'provided_input', comment: 'ACC-7' });
  });

  it('edited arguments are accepted only when the request allows them', async () => {
    const plain = await h.client.createRequest(approval());
    expect(
      (
        await reviewer.post(`/operator/queue/${plain.id}/respond`, {
          approved: true,
          comment: 'x',
          edited_input: { a: 1 },
        })
      ).status,
    ).toBe(400);
    const editable = await h.client.createRequest(approval({ metadata: { allow_edit: true } }));
    expect(
      (
        await reviewer.post(`/operator/queue/${editable.id}/respond`, {
          approved: false,
          comment: 'no',
          edited_input: { a: 1 },
        })
      ).status,
    ).toBe(400);
    await reviewer.post(`/operator/queue/${editable.id}/respond`, {
      approved: true,
      comment: 'smaller',
      edited_input: { amount: 10 },
    });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === editable.id));
    expect(decision.structured).toMatchObject({ approved: true, edited_input: { amount: 10 } });
  });

  it('first writer wins; the same reviewer repeating the same answer is 200 and changes nothing', async () => {
    const created = await h.client.createRequest(approval());
    await reviewer.post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    const same = await reviewer.post(`/operator/queue/${created.id}/respond`, {
      approved: true,
      comment: 'ok again',
    });
    expect(same.body).toMatchObject({ ok: true, data: { changed: false, outcome: 'approved' } });
    const other = await reviewer.post(`/operator/queue/${created.id}/respond`, {
      approved: false,
      comment: 'no',
    });
    expect(other.status).toBe(409);
  });

  it('race: 50 concurrent different decisions → one final outcome and one webhook event', async () => {
    const second = await h.admin.createReviewer(h.org.org_id, { name: 'Second', roles: [] });
    const created = await h.client.createRequest(approval());
    const tokens = [h.org.reviewer_token, second.reviewer_token];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h
          .operator(tokens[i % 2]!)
          .post(
            `/operator/queue/${created.id}/respond`,
            i % 3 === 0 ? { approved: false, comment: `no ${i}` } : { approved: true, comment: `yes ${i}` },
          ),
      ),
    );
    const changed = answers.filter(
      (a) => (a.body.data as { changed?: boolean } | undefined)?.changed === true,
    );
    expect(changed).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
    await new Promise((r) => setTimeout(r, 200));
    const events = new Set(eventsFor(created.id).map((e) => e.eventId));
    expect(events.size).toBe(1);
    const log = await raw('GET', `/requests/${created.id}/deliveries`);
    expect(log.body.attempts).toHaveLength(1);
    const final = await h.client.getRequest(created.id);
    expect(final.approval_records).toHaveLength(1);
  });

  it('cancel → cancelled webhook; cancelling a final request is 409', async () => {
    const created = await h.client.createRequest(approval());
    expect(await h.client.cancelRequest(created.id)).toEqual({ ok: true, message: 'Request cancelled' });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
    expect(decision.outcome).toBe('cancelled');
    expect(eventsFor(created.id)[0]!.body).toMatchObject({
      state: 'cancelled',
      status: 'cancelled',
      response: null,
    });
    expect(await h.client.cancelRequest(created.id)).toMatchObject({ ok: true });
    const answered = await h.client.createRequest(approval());
    await reviewer.post(`/operator/queue/${answered.id}/respond`, { approved: true, comment: 'ok' });
    await expect(h.client.cancelRequest(answered.id)).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
  });

  it('expiry fails closed with a timed_out webhook', async () => {
    const created = await h.client.createProtocolRequest({
      title: 'Expires fast',
      request_type: 'approval',
      source: { integration: 'test' },
      continuation: {
        mode: 'decision',
        callback_url: receiver.url,
        expires_at: new Date(Date.now() + 400).toISOString(),
      },
    });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id), 5_000);
    expect(decision.outcome).toBe('timed_out');
    expect(eventsFor(created.id)[0]!.body).toMatchObject({
      state: 'expired',
      status: 'timed_out',
      response: null,
      responded_by: null,
    });
    expect(
      (await reviewer.post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'late' }))
        .status,
    ).toBe(409);
  });

  it('redeliver re-sends the same event after callback_failed; filters find it', async () => {
    receiver.setMode('gone');
    const created = await h.client.createRequest(approval());
    await reviewer.post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    const failed = await waitFor(async () => {
      const r = await h.client.getRequest(created.id);
      return r.callback_state === 'failed' && r;
    });
    expect(failed.state).toBe('callback_failed');
    const list = await h.client.listRequests({ callback_state: 'failed' });
    expect(list.requests.map((r) => r.id)).toContain(created.id);
    const since = await h.client.listRequests({ decided_since: new Date(Date.now() - 60_000).toISOString() });
    expect(since.requests.map((r) => r.id)).toContain(created.id);
    receiver.setMode('ok');
    expect(await h.client.redeliver(created.id)).toEqual({
      ok: true,
      event_id: `evt_${created.id}_approved`,
    });
    await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
    const after = await waitFor(async () => {
      const r = await h.client.getRequest(created.id);
      return r.state === 'callback_delivered' && r;
    });
    expect(after.callback_state).toBe('delivered');
    const log = await raw('GET', `/requests/${created.id}/deliveries`);
    expect((log.body.attempts as { status_code: number }[]).map((a) => a.status_code)).toEqual([410, 200]);
    const open = await h.client.createRequest(approval());
    await expect(h.client.redeliver(open.id)).rejects.toMatchObject({ status: 409 });
  });

  it('during a webhook secret rotation the old secret signs alongside the new one', async () => {
    const lagging = await startReceiver(h.org.webhook_secret, h.client);
    const rotated = await h.admin.rotateWebhookSecret(h.org.org_id, 60_000);
    expect(rotated.webhook_secret).not.toBe(h.org.webhook_secret);
    const created = await h.client.createRequest(approval({ callback_url: lagging.url }));
    await reviewer.post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    const decision = await waitFor(() => lagging.decisions.find((d) => d.requestId === created.id));
    expect(decision.outcome).toBe('approved');
    const headers = lagging.raw[0]!.headers;
    expect(headers['x-centcom-signature']).not.toBe(headers['x-centcom-signature-previous']);
    await lagging.close();
  });

  it('redacts callback query strings except in the owner create response', async () => {
    const url = `${receiver.url}?sig=secret123`;
    const created = await h.client.createRequest(approval({ callback_url: url }));
    expect(created.callback_url).toBe(url);
    const fetched = await h.client.getRequest(created.id);
    expect(fetched.callback_url).toBe(`${receiver.url}?[redacted]`);
    expect(JSON.stringify(await h.client.listRequests())).not.toContain('secret123');
  });
});

describe('reviewers and routing', () => {
  it('queue shows what the reviewer may answer, urgent first; roles gate claims', async () => {
    const finance = await h.admin.createReviewer(h.org.org_id, { name: 'Dana', roles: ['finance'] });
    const plain = await h.admin.createReviewer(h.org.org_id, { name: 'Pat', roles: ['support'] });
    const gated = await h.client.createRequest(
      approval({ required_role: 'finance', question: 'Finance only' }),
    );
    const urgent = await h.client.createRequest(approval({ priority: 'urgent', question: 'Urgent one' }));
    const queue = await h.operator(finance.reviewer_token).get('/operator/queue');
    const ids = (queue.body.data as { id: string }[]).map((r) => r.id);
    expect(ids).toContain(gated.id);
    expect(ids.indexOf(urgent.id)).toBeLessThan(ids.indexOf(gated.id));
    const other = await h.operator(plain.reviewer_token).get('/operator/queue');
    expect((other.body.data as { id: string }[]).map((r) => r.id)).not.toContain(gated.id);
    expect((await h.operator(plain.reviewer_token).post(`/operator/queue/${gated.id}/claim`)).status).toBe(
      403,
    );
    expect(
      (
        await h
          .operator(plain.reviewer_token)
          .post(`/operator/queue/${gated.id}/respond`, { approved: true, comment: 'x' })
      ).status,
    ).toBe(403);
    expect((await h.operator(finance.reviewer_token).post(`/operator/queue/${gated.id}/claim`)).status).toBe(
      200,
    );
    expect((await h.operator(h.org.reviewer_token).post(`/operator/queue/${gated.id}/claim`)).status).toBe(
      403,
    );
    const mine = await h.operator(finance.reviewer_token).get('/operator/my-requests');
    expect((mine.body.data as { id: string }[]).map((r) => r.id)).toContain(gated.id);
  });

  it('an unknown role routes to admins', async () => {
    const created = await h.client.createRequest(approval({ required_role: 'nobody-has-this' }));
    const adminQueue = await reviewer.get('/operator/queue');
    expect((adminQueue.body.data as { id: string }[]).map((r) => r.id)).toContain(created.id);
  });

  it('agent keys never answer; reviewer tokens never create', async () => {
    const created = await h.client.createRequest(approval());
    const asAgent = await h
      .operator(h.org.api_key)
      .post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'me' });
    expect(asAgent).toMatchObject({ status: 403, body: { ok: false, error: { code: 'forbidden' } } });
    expect((await h.operator(h.org.api_key).get('/operator/queue')).status).toBe(403);
    const asReviewer = await raw('POST', '/requests', JSON.stringify(approval()), h.org.reviewer_token);
    expect(asReviewer).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await raw('DELETE', `/requests/${created.id}`, undefined, h.org.reviewer_token)).status).toBe(
      403,
    );
  });

  it('control map counts eligible reviewers per role and warns on unmapped roles', async () => {
    await h.admin.createReviewer(h.org.org_id, { name: 'Sec', roles: ['security'] });
    const ready = await h.client.previewControlMap({
      type: 'approval',
      question: 'q',
      context: 'c',
      required_role: 'security',
    });
    expect(ready).toMatchObject({
      status: 'ready',
      satisfiable: true,
      eligible_reviewer_count: 1,
      roles: [{ role: 'security', eligible_reviewer_count: 1 }],
    });
    const unmapped = await h.client.previewControlMap({
      title: 't',
      request_type: 'approval',
      source: { integration: 'x' },
      continuation: { mode: 'decision' },
      routing: { required_role: 'legal' },
    });
    expect(unmapped).toMatchObject({
      status: 'needs_mapping',
      warnings: [{ code: 'unmapped_role', role: 'legal' }],
    });
  });
});

describe('audit records, timelines, agents, runtime', () => {
  it('records, dedupes, filters and links audit records', async () => {
    const req = await h.client.createRequest(
      approval({ correlation_id: 'case-audit', thread_id: 'thr_audit', trace_id: 'trc_root' }),
    );
    const rec = await h.client.logAction({
      action: 'tool.pay.finished',
      summary: 'Paid invoice 1042',
      source: { integration: 'test', workflow_id: 'wf-1' },
      outcome: 'success',
      tags: ['payments', 'eu'],
      correlation_id: 'case-audit',
      thread_id: 'thr_audit',
      trace_id: 'trc_child',
      parent_trace_id: 'trc_root',
      in_reply_to: { type: 'request', id: req.id },
      external_request_id: 'exec:1042',
    });
    expect(rec).toMatchObject({
      id: expect.stringMatching(/^aud_/),
      recorded_at: expect.any(String),
      outcome: 'success',
      severity: 'info',
    });
    const again = await h.client.logAction({
      action: 'tool.pay.finished',
      summary: 'dup',
      source: { integration: 'test' },
      external_request_id: 'exec:1042',
    });
    expect(again.id).toBe(rec.id);
    expect(await h.client.getAuditRecord(rec.id)).toMatchObject({ summary: 'Paid invoice 1042' });
    for (const query of [
      { tags: ['payments'] },
      { source_integration: 'test', workflow_id: 'wf-1' },
      { q: 'invoice 1042' },
      { correlation_id: 'case-audit' },
    ]) {
      const list = await h.client.listAuditRecords(query);
      expect(list.audit_records.map((r) => r.id)).toContain(rec.id);
    }
    expect((await h.client.listAuditRecords({ tags: ['nope'] })).audit_records).toEqual([]);
    await expect(
      h.client.logAction({
        action: 'x',
        summary: 'y',
        source: { integration: 't' },
        in_reply_to: { type: 'request', id: 'req_nope' },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      h.client.logAction({ action: '', summary: 'y', source: { integration: 't' } }),
    ).rejects.toMatchObject({ status: 400 });

    const thread = await h.client.getThread('thr_audit');
    expect(thread.items.map((i) => [i.kind, i.id])).toEqual([
      ['request', req.id],
      ['audit_record', rec.id],
    ]);
    const kase = await h.client.getCase('case-audit');
    expect(kase.items).toHaveLength(2);
    const trace = await h.client.getTrace('trc_root');
    expect(trace).toMatchObject({ id: 'trc_root', children: ['trc_child'], parent_trace_id: null });
    const child = await h.client.getTrace('trc_child');
    expect(child.parent_trace_id).toBe('trc_root');
    const paged = await h.client.getThread('thr_audit', { limit: 1 });
    expect(paged.items).toHaveLength(1);
    const rest = await h.client.getThread('thr_audit', { limit: 1, cursor: paged.next_cursor as string });
    expect(rest.items[0]!.id).toBe(rec.id);
    expect(rest.next_cursor).toBeNull();
  });

  it('registers agents idempotently and shows their trail', async () => {
    const first = await h.client.registerAgent({ name: 'invoice-bot', framework: 'langgraph' });
    const again = await h.client.registerAgent({ name: 'invoice-bot' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, agent: { agent_id: first.agent.agent_id } });
    const agentId = first.agent.agent_id;
    await h.client.createRequest(approval({ actor: { agent_id: agentId } }));
    await h.client.createRequest(approval({ metadata: { actor: { agent_id: agentId } } }));
    expect((await h.client.getAgent(agentId)).agent).toMatchObject({
      name: 'invoice-bot',
      request_count: 2,
      verification_status: 'claimed',
    });
    expect((await h.client.listAgents({ framework: 'langgraph' })).agents.map((a) => a.agent_id)).toEqual([
      agentId,
    ]);
    const trail = await h.client.getAgentTrail(agentId);
    expect(trail.items).toHaveLength(2);
    expect((await h.client.listRequests({ agent_id: agentId })).requests).toHaveLength(2);
    await expect(h.client.registerAgent({ name: ' ' })).rejects.toMatchObject({ status: 400 });
  });

  it('runtime status describes the credential', async () => {
    expect(await h.client.getRuntimeStatus()).toMatchObject({
      ok: true,
      org: { id: h.org.org_id, name: 'Acme' },
      auth: {
        type: 'api_key',
        credential_kind: 'agent_runtime',
        scopes: expect.arrayContaining(['requests:create']),
      },
    });
  });

  it('paginates requests with next_cursor', async () => {
    for (let i = 0; i < 3; i++) await h.client.createRequest(approval({ thread_id: 'thr_pages' }));
    const first = await h.client.listRequests({ thread_id: 'thr_pages', limit: 2 });
    expect(first.requests).toHaveLength(2);
    const second = await h.client.listRequests({
      thread_id: 'thr_pages',
      limit: 2,
      cursor: first.next_cursor as string,
    });
    expect(second.requests).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
  });
});

describe('tenancy', () => {
  let other: { client: CentcomClient; reviewerToken: string };
  beforeAll(async () => {
    const b = await h.admin.createOrganisation({ name: 'Other' });
    other = { client: h.clientFor(b.api_key), reviewerToken: b.reviewer_token };
  });

  it("every route with another organisation's ids answers 404", async () => {
    const req = await h.client.createRequest(
      approval({ thread_id: 'thr_tenant', correlation_id: 'case-tenant', trace_id: 'trc_tenant' }),
    );
    const rec = await h.client.logAction({
      action: 'a',
      summary: 's',
      source: { integration: 't' },
      thread_id: 'thr_tenant',
    });
    const agent = await h.client.registerAgent({ name: 'tenant-bot' });
    const c = other.client;
    const notFound = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Contro1Error);
      expect((error as Contro1Error).status).toBe(404);
    };
    await notFound(c.getRequest(req.id));
    await notFound(c.cancelRequest(req.id));
    await notFound(c.redeliver(req.id));
    await notFound(c.get(`/requests/${req.id}/deliveries`));
    await notFound(c.getAuditRecord(rec.id));
    await notFound(c.getAgent(agent.agent.agent_id));
    await notFound(c.getAgentTrail(agent.agent.agent_id));
    await notFound(c.getTrace('trc_tenant'));
    expect((await c.getThread('thr_tenant')).items).toEqual([]);
    expect((await c.getCase('case-tenant')).items).toEqual([]);
    expect((await c.listRequests({ thread_id: 'thr_tenant' })).requests).toEqual([]);
    expect((await c.listAuditRecords({ thread_id: 'thr_tenant' })).audit_records).toEqual([]);
    const ops = h.operator(other.reviewerToken);
    expect((await ops.get(`/operator/queue/${req.id}`)).status).toBe(404);
    expect((await ops.post(`/operator/queue/${req.id}/claim`)).status).toBe(404);
    expect(
      (await ops.post(`/operator/queue/${req.id}/respond`, { approved: true, comment: 'x' })).status,
    ).toBe(404);
    expect(((await ops.get('/operator/queue')).body.data as { id: string }[]).map((r) => r.id)).not.toContain(
      req.id,
    );
    await expect(
      c.logAction({
        action: 'x',
        summary: 'y',
        source: { integration: 't' },
        in_reply_to: { type: 'request', id: req.id },
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await h.client.getRequest(req.id)).state).toBe('queued');
  });
});
