import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLocalServer } from '../../test/local-server.js';
import { CentcomClient } from '../client/centcom-client.js';
import type { Decision } from '../protocol/decision.js';
import { signWebhook } from '../signing/centcom-signature.js';
import { signStandardWebhook } from '../signing/standard-webhooks.js';
import { toNodeListener, webhookMiddleware } from './node.js';
import { createWebhookReceiver, type WebhookReceiverOptions } from './webhook-receiver.js';

const SECRET = 'whsec_abcdefghijklmnopqrstuvwxyz012345';
const OLD_SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';
const NOW_MS = 1_767_225_600_000;
const clock = () => NOW_MS;

type Local = Awaited<ReturnType<typeof startLocalServer>>;
let api: Local;
let serverState: Record<string, unknown>;

const finalRequest = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'req_1',
  type: 'approval',
  question: 'Pay?',
  context: 'c',
  created_at: '2026-01-01T00:00:00.000Z',
  state: status === 'cancelled' ? 'cancelled' : status === 'timed_out' ? 'expired' : 'callback_pending',
  status,
  response:
    status === 'approved'
      ? { approved: true, comment: 'fine' }
      : status === 'denied'
        ? { approved: false, comment: 'no' }
        : null,
  responded_by: 'Dana',
  ...extra,
});

const payload = (status: string, eventId = `evt_req_1_${status}`) =>
  JSON.stringify({
    event_id: eventId,
    request_id: 'req_1',
    state:
      status === 'approved' || status === 'denied'
        ? 'answered'
        : status === 'cancelled'
          ? 'cancelled'
          : 'expired',
    status,
    response: status === 'approved' ? { approved: true, comment: 'fine' } : null,
    metadata: { langgraph_thread_id: 't-1' },
  });

function signedHeaders(body: string, secret = SECRET, eventId?: string): Record<string, string> {
  const { signature, timestamp } = signWebhook(body, secret, Math.floor(NOW_MS / 1000));
  return {
    'content-type': 'application/json',
    'x-centcom-signature': signature,
    'x-centcom-timestamp': timestamp,
    'x-centcom-request-id': 'req_1',
    ...(eventId ? { 'x-centcom-event-id': eventId } : {}),
  };
}

async function listen(
  options: Partial<WebhookReceiverOptions> & { onDecision?: WebhookReceiverOptions['onDecision'] } = {},
) {
  const decisions: Decision[] = [];
  const receiver = createWebhookReceiver({
    secret: SECRET,
    client: new CentcomClient({ apiKey: 'cc_test_agent', baseUrl: `${api.url}/api/centcom/v1`, retries: 0 }),
    clock,
    onDecision: (decision) => {
      decisions.push(decision);
    },
    ...options,
  } as WebhookReceiverOptions);
  const server: Server = createServer(toNodeListener(receiver));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers });
  return { decisions, post, close: () => new Promise<void>((r) => server.close(() => r())) };
}

beforeAll(async () => {
  api = await startLocalServer((req, res) => {
    if (req.headers.authorization !== 'Bearer cc_test_agent')
      return sendJson(res, 401, { error: 'unauthorized', message: 'bad token' });
    sendJson(res, 200, serverState);
  });
});
afterAll(() => api.close());

describe('createWebhookReceiver', () => {
  it('verifies, confirms with the server and calls onDecision once per event', async () => {
    serverState = finalRequest('approved');
    const hook = await listen();
    const body = payload('approved');
    const first = await hook.post(body, signedHeaders(body, SECRET, 'evt_req_1_approved'));
    expect(first.status).toBe(200);
    const again = await hook.post(body, signedHeaders(body));
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(hook.decisions).toEqual([
      expect.objectContaining({
        requestId: 'req_1',
        outcome: 'approved',
        comment: 'fine',
        decidedBy: 'Dana',
      }),
    ]);
    await hook.close();
  });

  it('handles two concurrent deliveries of one event once', async () => {
    serverState = finalRequest('approved');
    let calls = 0;
    const hook = await listen({
      onDecision: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
      },
    });
    const body = payload('approved');
    const statuses = await Promise.all([
      hook.post(body, signedHeaders(body)),
      hook.post(body, signedHeaders(body)),
    ]);
    expect(statuses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(calls).toBe(1);
    await hook.close();
  });

  it('takes the outcome from the server, not from the signed body', async () => {
    serverState = finalRequest('denied');
    const hook = await listen();
    const body = payload('approved', 'evt_forged');
    expect((await hook.post(body, signedHeaders(body))).status).toBe(200);
    expect(hook.decisions.map((d) => d.outcome)).toEqual(['denied']);
    await hook.close();
  });

  it('refuses with 409 when the server says the request is still open', async () => {
    serverState = { ...finalRequest('approved'), state: 'assigned', status: 'pending' };
    const hook = await listen();
    const body = payload('approved', 'evt_open');
    expect((await hook.post(body, signedHeaders(body))).status).toBe(409);
    expect(hook.decisions).toEqual([]);
    await hook.close();
  });

  it('answers 503 when confirmation fails, and succeeds on the retry', async () => {
    serverState = finalRequest('cancelled');
    const hook = await listen({
      client: new CentcomClient({ apiKey: 'cc_wrong', baseUrl: `${api.url}/api/centcom/v1`, retries: 0 }),
    });
    const body = payload('cancelled');
    expect((await hook.post(body, signedHeaders(body))).status).toBe(503);
    await hook.close();
    const retry = await listen();
    expect((await retry.post(body, signedHeaders(body))).status).toBe(200);
    expect(retry.decisions.map((d) => d.outcome)).toEqual(['cancelled']);
    await retry.close();
  });

  it('answers 500 when onDecision throws so the server retries, then handles the retry', async () => {
    serverState = finalRequest('timed_out');
    let fail = true;
    const seen: string[] = [];
    const hook = await listen({
      onDecision: (d) => {
        if (fail) {
          fail = false;
          throw new Error('database down');
        }
        seen.push(d.outcome);
      },
    });
    const body = payload('timed_out');
    const first = await hook.post(body, signedHeaders(body));
    expect(first.status).toBe(500);
    expect(await first.text()).not.toContain('database down');
    expect((await hook.post(body, signedHeaders(body))).status).toBe(200);
    expect(seen).toEqual(['timed_out']);
    await hook.close();
  });

  it('401 for missing, wrong, stale or re-serialised signatures', async () => {
    serverState = finalRequest('approved');
    const hook = await listen();
    const body = payload('approved');
    expect((await hook.post(body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await hook.post(body, signedHeaders(body, 'whsec_wrong'))).status).toBe(401);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect((await hook.post(reserialised, signedHeaders(body))).status).toBe(401);
    const stale = signWebhook(body, SECRET, Math.floor(NOW_MS / 1000) - 301);
    expect(
      (
        await hook.post(body, {
          'x-centcom-signature': stale.signature,
          'x-centcom-timestamp': stale.timestamp,
        })
      ).status,
    ).toBe(401);
    expect(hook.decisions).toEqual([]);
    await hook.close();
  });

  it('400 for a body that is not JSON, has no request id, or whose event id header disagrees', async () => {
    const hook = await listen();
    expect((await hook.post('not json', signedHeaders('not json'))).status).toBe(400);
    expect((await hook.post('{"status":"approved"}', signedHeaders('{"status":"approved"}'))).status).toBe(
      400,
    );
    const body = payload('approved', 'evt_a');
    expect((await hook.post(body, signedHeaders(body, SECRET, 'evt_b'))).status).toBe(400);
    expect(hook.decisions).toEqual([]);
    await hook.close();
  });

  it('accepts the previous secret during rotation, in either header', async () => {
    serverState = finalRequest('approved');
    const hook = await listen({ secret: SECRET, previousSecret: OLD_SECRET });
    const body = payload('approved', 'evt_rot_1');
    expect((await hook.post(body, signedHeaders(body, OLD_SECRET))).status).toBe(200);
    await hook.close();

    const lagging = await listen({ secret: OLD_SECRET });
    const body2 = payload('approved', 'evt_rot_2');
    const fresh = signedHeaders(body2, SECRET);
    const old = signWebhook(body2, OLD_SECRET, Math.floor(NOW_MS / 1000));
    expect(
      (await lagging.post(body2, { ...fresh, 'x-centcom-signature-previous': old.signature })).status,
    ).toBe(200);
    await lagging.close();
  });

  it('verifies Standard Webhooks headers', async () => {
    serverState = finalRequest('approved');
    const hook = await listen();
    const body = payload('approved', 'evt_std');
    const headers = signStandardWebhook('evt_std', body, SECRET, Math.floor(NOW_MS / 1000));
    expect((await hook.post(body, { ...headers })).status).toBe(200);
    const mismatched = signStandardWebhook('evt_other', body, SECRET, Math.floor(NOW_MS / 1000));
    expect((await hook.post(body, { ...mismatched })).status).toBe(400);
    await hook.close();
  });

  it('with confirm: false trusts the signed body (explicit choice)', async () => {
    const hook = await listen({ client: undefined, confirm: false });
    const body = payload('approved', 'evt_trust');
    expect((await hook.post(body, signedHeaders(body))).status).toBe(200);
    expect(hook.decisions.map((d) => d.outcome)).toEqual(['approved']);
    await hook.close();
  });

  it('refuses to start without a secret or without a way to confirm', () => {
    expect(() => createWebhookReceiver({ secret: '', confirm: false, onDecision: () => {} })).toThrow(
      /secret/,
    );
    expect(() =>
      createWebhookReceiver({ secret: SECRET, onDecision: () => {} } as unknown as WebhookReceiverOptions),
    ).toThrow(/client/);
  });

  it('handles a web Request directly', async () => {
    serverState = finalRequest('approved');
    const seen: Decision[] = [];
    const receiver = createWebhookReceiver({
      secret: SECRET,
      client: new CentcomClient({ apiKey: 'cc_test_agent', baseUrl: `${api.url}/api/centcom/v1` }),
      clock,
      onDecision: (d) => {
        seen.push(d);
      },
    });
    const body = payload('approved', 'evt_web');
    const response = await receiver.handle(
      new Request('http://local/hook', { method: 'POST', body, headers: signedHeaders(body) }),
    );
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe('webhookMiddleware', () => {
  const run = async (req: Record<string, unknown>) => {
    let status = 0;
    let sent = '';
    let nextCalled = false;
    const res = {
      writeHead: (s: number) => {
        status = s;
      },
      end: (b: string) => {
        sent = b;
      },
    };
    await webhookMiddleware(SECRET, { now: clock })(req as never, res as never, () => {
      nextCalled = true;
    });
    return { status, sent, nextCalled, req };
  };

  it('verifies req.rawBody and exposes the payload', async () => {
    const body = payload('approved');
    const result = await run({ rawBody: Buffer.from(body), headers: signedHeaders(body) });
    expect(result.nextCalled).toBe(true);
    expect(result.req.centcomRequestId).toBe('req_1');
  });

  it('never re-serialises a parsed body', async () => {
    const body = payload('approved');
    const result = await run({ body: JSON.parse(body), readableEnded: true, headers: signedHeaders(body) });
    expect(result.status).toBe(500);
    expect(result.sent).toMatch(/Raw body unavailable/);
  });

  it('401 on a bad signature', async () => {
    const body = payload('approved');
    const result = await run({ rawBody: `${body} `, headers: signedHeaders(body) });
    expect(result.status).toBe(401);
    expect(result.nextCalled).toBe(false);
  });
});
