import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLocalServer } from '../../test/local-server.js';
import { CentcomClient } from './centcom-client.js';
import { Contro1Error } from './errors.js';

type Local = Awaited<ReturnType<typeof startLocalServer>>;
let api: Local;
const noSleep = async () => {};

const openRequest = {
  id: 'req_1',
  state: 'queued',
  status: 'pending',
  type: 'approval',
  question: 'q',
  context: 'c',
  created_at: 't',
};

beforeAll(async () => {
  api = await startLocalServer((_req, res) => sendJson(res, 404, { error: 'not_found', message: 'nothing' }));
});
afterAll(() => api.close());

const client = (extra: Partial<ConstructorParameters<typeof CentcomClient>[0]> = {}) =>
  new CentcomClient({
    apiKey: 'cc_test_key123456',
    baseUrl: `${api.url}/api/centcom/v1/`,
    sleep: noSleep,
    ...extra,
  });

describe('CentcomClient over real HTTP', () => {
  it('creates a legacy request with Idempotency-Key from external_request_id and no idempotency_key in the body', async () => {
    api.calls.length = 0;
    api.setHandler((req, res) =>
      sendJson(res, 201, { ...openRequest, request_id: 'req_1', echo: JSON.parse(req.body) }),
    );
    const created = await client().createRequest({
      type: 'approval',
      question: 'Pay?',
      context: 'Invoice 7',
      external_request_id: 'pay:inv-7',
    });
    expect(created.request_id).toBe('req_1');
    const call = api.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/api/centcom/v1/requests');
    expect(call.headers.authorization).toBe('Bearer cc_test_key123456');
    expect(call.headers['idempotency-key']).toBe('pay:inv-7');
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.body)).toEqual({
      type: 'approval',
      question: 'Pay?',
      context: 'Invoice 7',
      external_request_id: 'pay:inv-7',
    });
  });

  it('moves idempotency_key into the header', async () => {
    api.calls.length = 0;
    api.setHandler((_req, res) => sendJson(res, 201, openRequest));
    await client().createRequest({ type: 'approval', question: 'q', context: 'c', idempotency_key: 'k-1' });
    expect(api.calls[0]!.headers['idempotency-key']).toBe('k-1');
    expect(JSON.parse(api.calls[0]!.body)).not.toHaveProperty('idempotency_key');
  });

  it('posts a protocol body as-is, keyed only on external_request_id', async () => {
    api.calls.length = 0;
    api.setHandler((_req, res) => sendJson(res, 201, openRequest));
    const body = {
      title: 'Deploy',
      request_type: 'approval' as const,
      source: { integration: 'cli', run_id: 'run-1' },
      continuation: { mode: 'decision' as const },
      correlation_id: 'case-1',
    };
    await client().createProtocolRequest(body);
    expect(JSON.parse(api.calls[0]!.body)).toEqual(body);
    expect(api.calls[0]!.headers['idempotency-key']).toBeUndefined();
  });

  it('refuses an invalid protocol body before sending it', async () => {
    api.calls.length = 0;
    await expect(
      client().createProtocolRequest({
        title: '',
        request_type: 'approval',
        source: { integration: 'x' },
        continuation: { mode: 'decision' },
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'Invalid Contro1Request: title is required',
    });
    expect(api.calls).toHaveLength(0);
  });

  it('throws Contro1Error with status, code, message and body', async () => {
    api.setHandler((_req, res) => sendJson(res, 404, { error: 'not_found', message: 'Request not found' }));
    const error = await client()
      .getRequest('req_x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Contro1Error);
    expect(error).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'Request not found',
      response: { error: 'not_found', message: 'Request not found' },
    });
    expect((error as Contro1Error).remediation).toMatch(/id/);
  });

  it('reads the operator envelope too', async () => {
    api.setHandler((_req, res) =>
      sendJson(res, 403, {
        ok: false,
        error: { code: 'INSUFFICIENT_SCOPE', message: 'needs requests:read' },
      }),
    );
    await expect(client().getRequest('req_1')).rejects.toMatchObject({
      status: 403,
      code: 'INSUFFICIENT_SCOPE',
    });
  });

  it('retries idempotent calls on 5xx and gives up after the configured retries', async () => {
    api.calls.length = 0;
    let n = 0;
    api.setHandler((_req, res) =>
      ++n < 3 ? sendJson(res, 503, { error: 'x', message: 'busy' }) : sendJson(res, 200, openRequest),
    );
    await expect(client({ retries: 2 }).getRequest('req_1')).resolves.toMatchObject({ id: 'req_1' });
    expect(api.calls).toHaveLength(3);

    api.calls.length = 0;
    api.setHandler((_req, res) => sendJson(res, 500, { error: 'internal', message: 'boom' }));
    await expect(client({ retries: 1 }).getRequest('req_1')).rejects.toMatchObject({ status: 500 });
    expect(api.calls).toHaveLength(2);
  });

  it('does not retry a POST without an idempotency key, but does with one', async () => {
    api.setHandler((_req, res) => sendJson(res, 502, { error: 'bad_gateway', message: 'x' }));
    api.calls.length = 0;
    await expect(client().post('/audit-records', { action: 'a' })).rejects.toMatchObject({ status: 502 });
    expect(api.calls).toHaveLength(1);
    api.calls.length = 0;
    await expect(
      client().createRequest({ type: 'approval', question: 'q', context: 'c', external_request_id: 'k' }),
    ).rejects.toMatchObject({
      status: 502,
    });
    expect(api.calls).toHaveLength(3);
  });

  it('does not retry 4xx', async () => {
    api.calls.length = 0;
    api.setHandler((_req, res) => sendJson(res, 400, { error: 'invalid_request', message: 'bad' }));
    await expect(client().getRequest('r')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(api.calls).toHaveLength(1);
  });

  it('maps a refused connection to a network error', async () => {
    const dead = new CentcomClient({ apiKey: 'cc_test_x', baseUrl: 'http://127.0.0.1:9/api', retries: 0 });
    await expect(dead.getRequest('r')).rejects.toMatchObject({ code: 'network' });
  });

  it('times out slow answers', async () => {
    api.setHandler(() => {});
    await expect(client({ timeout: 100, retries: 0 }).getRequest('r')).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('joins array query values with commas and sends the sub-agent header', async () => {
    api.calls.length = 0;
    api.setHandler((_req, res) => sendJson(res, 200, { audit_records: [], next_cursor: null }));
    await client()
      .asSubAgent('researcher')
      .listAuditRecords({ tags: ['a', 'b'], limit: 5 });
    expect(api.calls[0]!.url).toBe('/api/centcom/v1/audit-records?tags=a%2Cb&limit=5');
    expect(api.calls[0]!.headers['contro1-sub-agent']).toBe('researcher');
  });

  it('returns CSV evidence as text', async () => {
    api.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('recorded_at,kind\n');
    });
    await expect(client().getAgentEvidence('agt_1', { format: 'csv' })).resolves.toBe('recorded_at,kind\n');
  });

  it('reads the key and base URL from the environment', () => {
    const c = new CentcomClient({
      env: { CENTCOM_API_KEY: 'cc_test_env', CENTCOM_BASE_URL: 'http://127.0.0.1:1/x/' },
    });
    expect(c.baseUrl).toBe('http://127.0.0.1:1/x');
    const c2 = new CentcomClient({ env: { CONTRO1_API_KEY: 'cc_test_env' } });
    expect(c2.baseUrl).toBe('https://api.contro1.com/api/centcom/v1');
    expect(() => new CentcomClient({ env: {} })).toThrow(/CENTCOM_API_KEY/);
    expect(() => new CentcomClient({ env: { CENTCOM_API_KEY: 'k', CENTCOM_BASE_URL: 'nope' } })).toThrow(
      /not a URL/,
    );
  });

  it('makes thread and trace ids in the upstream format', () => {
    expect(client().newThreadId()).toMatch(/^thr_[0-9a-f]{32}$/);
    expect(client().newTraceId()).toMatch(/^trc_[0-9a-f]{32}$/);
  });
});

describe('waiting', () => {
  it('waitForDecision polls until the request is final', async () => {
    let polls = 0;
    api.setHandler((_req, res) =>
      sendJson(
        res,
        200,
        ++polls < 3
          ? { ...openRequest, state: 'assigned', status: 'timed_out' }
          : {
              ...openRequest,
              state: 'callback_delivered',
              status: 'approved',
              response: { approved: true, comment: 'ok' },
              responded_by: 'Dana',
            },
      ),
    );
    const decision = await client().waitForDecision('req_1', { intervalMs: 1 });
    expect(decision).toMatchObject({
      requestId: 'req_1',
      outcome: 'approved',
      comment: 'ok',
      decidedBy: 'Dana',
    });
    expect(polls).toBe(3);
  });

  it('waitForDecision fails closed on timeout with an injected clock', async () => {
    let now = 0;
    api.setHandler((_req, res) => sendJson(res, 200, openRequest));
    const decision = await client({
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    }).waitForDecision('req_1', { timeoutMs: 10_000, intervalMs: 3_000 });
    expect(decision.outcome).toBe('timed_out');
    expect(now).toBe(10_000);
  });

  it('waitForDecision throws when aborted', async () => {
    api.setHandler((_req, res) => sendJson(res, 200, openRequest));
    const controller = new AbortController();
    const c = client({
      sleep: async () => {
        controller.abort();
      },
    });
    await expect(c.waitForDecision('req_1', { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it('waitForResponse throws the upstream timeout message', async () => {
    let now = 0;
    api.setHandler((_req, res) => sendJson(res, 200, openRequest));
    const c = client({
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    await expect(c.waitForResponse('req_1', 1000, 2000)).rejects.toThrow(
      'Timeout waiting for response on request req_1',
    );
  });

  it('waitForProtocolResponse and getProtocolResponse derive the Contro1Response', async () => {
    api.setHandler((_req, res) => sendJson(res, 200, { ...openRequest, state: 'expired' }));
    await expect(client().waitForProtocolResponse('req_1', 1, 1000)).resolves.toMatchObject({
      status: 'timed_out',
    });
    await expect(client().getProtocolResponse('req_1')).resolves.toMatchObject({
      request_id: 'req_1',
      status: 'timed_out',
    });
  });
});
