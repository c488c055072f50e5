import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLocalServer } from '../../test/local-server.js';
import { CentcomClient } from '../client/centcom-client.js';
import type { Decision } from '../protocol/decision.js';
import { recordExecution, runIfApproved } from './execution-trace.js';

type Local = Awaited<ReturnType<typeof startLocalServer>>;
let api: Local;
let client: CentcomClient;
const bodies = () => api.calls.map((c) => JSON.parse(c.body) as Record<string, unknown>);

beforeAll(async () => {
  api = await startLocalServer((req, res) =>
    sendJson(res, 201, { id: `aud_${api.calls.length}`, ...JSON.parse(req.body) }),
  );
  client = new CentcomClient({ apiKey: 'cc_test_k', baseUrl: `${api.url}/api/centcom/v1` });
});
afterAll(() => api.close());

const decision = (outcome: Decision['outcome']): Decision => ({ requestId: 'req_7', outcome });

describe('execution tracing', () => {
  it('records tool.<name>.finished in reply to the request, with a deterministic key', async () => {
    api.calls.length = 0;
    const result = await runIfApproved(
      client,
      decision('approved'),
      { toolName: 'send email', integration: 'test' },
      () => 42,
    );
    expect(result).toEqual({ executed: true, value: 42 });
    expect(bodies()[0]).toMatchObject({
      action: 'tool.send_email.finished',
      outcome: 'success',
      in_reply_to: { type: 'request', id: 'req_7' },
      external_request_id: 'exec:req_7:finished',
      source: { integration: 'test' },
    });
    expect(api.calls[0]!.headers['idempotency-key']).toBe('exec:req_7:finished');
  });

  it.each(['denied', 'cancelled', 'timed_out', 'resolved', 'provided_input'] as const)(
    'does not run the action for %s and records not_executed',
    async (outcome) => {
      api.calls.length = 0;
      let ran = false;
      const result = await runIfApproved(
        client,
        decision(outcome),
        { toolName: 'pay', integration: 'test' },
        () => {
          ran = true;
        },
      );
      expect(ran).toBe(false);
      expect(result.executed).toBe(false);
      expect(bodies()[0]).toMatchObject({
        action: 'tool.pay.not_executed',
        outcome: 'denied',
        metadata: { decision_outcome: outcome },
      });
    },
  );

  it('records failed and rethrows when the action throws', async () => {
    api.calls.length = 0;
    let t = 0;
    await expect(
      runIfApproved(
        client,
        decision('approved'),
        { toolName: 'deploy', integration: 'test' },
        () => {
          t = 25;
          throw new Error('exit 1');
        },
        () => t,
      ),
    ).rejects.toThrow('exit 1');
    expect(bodies()[0]).toMatchObject({
      action: 'tool.deploy.failed',
      outcome: 'failure',
      metadata: { duration_ms: 25 },
    });
  });

  it('recordExecution passes the case, thread and trace ids through', async () => {
    api.calls.length = 0;
    await recordExecution(client, {
      requestId: 'req_8',
      toolName: 'x',
      outcome: 'finished',
      integration: 'test',
      correlationId: 'case-1',
      threadId: 'thr_1',
      traceId: 'trc_1',
      agentId: 'agt_1',
    });
    expect(bodies()[0]).toMatchObject({
      correlation_id: 'case-1',
      thread_id: 'thr_1',
      trace_id: 'trc_1',
      actor: { agent_id: 'agt_1' },
    });
  });
});
