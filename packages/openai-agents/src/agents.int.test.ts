import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CentcomClient, readRawBody, toWebHeaders } from '@contro1/core';
import { type Harness, startHarness, waitFor } from '@contro1/core/testing';
import { Agent, run, setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResumeRefusedError } from './apply-decisions.js';
import { type AgentsResumeHandler, type AnyRunResult, createAgentsResumeHandler } from './resume-handler.js';
import { createSqliteRunStateStore } from './run-state-store.js';
import { runWithApprovals } from './run-with-approvals.js';
import { caseIdFor, submitInterruptions } from './submit-interruptions.js';
import { ask, type Payments, paymentsAgent } from './testing/payments-agent.js';
import { scriptedModel } from './testing/scripted-model.js';

let h: Harness;
let offset = 0;
const clock = () => Date.now() + offset;
let endpoint: Server;
let callbackUrl: string;
let current: AgentsResumeHandler | undefined;
const deliveries: { body: Uint8Array; headers: Headers }[] = [];
let dbPath: string;

beforeAll(async () => {
  // Tests talk only to loopback: no trace export to OpenAI.
  setTracingDisabled(true);
  h = await startHarness({ clock });
  dbPath = join(h.dbPath, '..', 'runs.db');
  endpoint = createServer(async (req, res) => {
    const body = await readRawBody(req);
    const headers = toWebHeaders(req);
    deliveries.push({ body, headers });
    if (!current) return void res.writeHead(503).end();
    const answer = await current.handleRaw(body, headers);
    res.writeHead(answer.status).end(await answer.text());
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
  callbackUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/agents/webhook`;
});
afterAll(async () => {
  await new Promise<void>((r) => endpoint.close(() => r()));
  await h.close();
});

const client = () => new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl });

/** A fresh "process": its own agent object, store connection and handler, on the same files and URL. */
function process_(options: { appVersion?: string; stream?: boolean } = {}) {
  const payments: Payments = { sent: [] };
  const agent = paymentsAgent(payments);
  const store = createSqliteRunStateStore(dbPath);
  const results = new Map<string, AnyRunResult>();
  const errors: { error: unknown; runKey: string }[] = [];
  current = createAgentsResumeHandler({
    agent,
    secret: h.org.webhook_secret,
    client: client(),
    store,
    appVersion: options.appVersion ?? '1.0.0',
    callbackUrl,
    clock,
    ...(options.stream ? { stream: true } : {}),
    onResult: (result, runKey) => {
      results.set(runKey, result);
    },
    onError: (error, runKey) => errors.push({ error, runKey }),
  });
  return { payments, agent, store, results, errors, handler: current };
}

async function pause(p: ReturnType<typeof process_>, runKey: string, input: string) {
  const result = await run(p.agent, input);
  return submitInterruptions(result, {
    client: client(),
    store: p.store,
    runKey,
    appVersion: '1.0.0',
    callbackUrl,
  });
}

describe('OpenAI Agents runs paused for Contro1 approvals', () => {
  it('approve → the tool runs once, even when the process was replaced between pause and resume', async () => {
    const first = process_();
    const pending = await pause(first, 'run-approve', ask({ to: 'acme', amount: 5_000 }));
    expect(pending).toEqual([
      {
        requestId: expect.stringMatching(/^req_/),
        callId: 'call_acme_0',
        toolName: 'send_payment',
        reviewerUrl: expect.any(String),
      },
    ]);
    const request = await client().getRequest(pending[0]!.requestId);
    expect(request).toMatchObject({
      question: 'Send $5000 to acme?',
      context: { tool_name: 'send_payment', tool_input: { to: 'acme', amount: 5000 } },
      external_request_id: 'oa:run-approve:call_acme_0',
      policy_trigger: 'Payments above $1,000 need a human',
    });
    first.store.close();

    const second = process_();
    await h.decide(pending[0]!.requestId, { approved: true, comment: 'Invoice checked' });
    await waitFor(() => second.results.get('run-approve'));
    await second.handler.idle();
    expect(second.results.get('run-approve')?.finalOutput).toBe('send_payment: sent $5000 to acme');
    expect(second.payments.sent).toEqual([{ to: 'acme', amount: 5000 }]);
    expect(first.payments.sent).toEqual([]);
    const timeline = await client().getCase(caseIdFor('run-approve'));
    expect(timeline.items.map((i) => (i.kind === 'request' ? `request:${i.status}` : i.action))).toEqual([
      'request:approved',
      'tool.send_payment.finished',
    ]);

    // A replayed webhook, even to a fresh process, does nothing.
    const delivered = deliveries.find((d) => Buffer.from(d.body).toString().includes(pending[0]!.requestId))!;
    const third = process_();
    expect((await third.handler.handleRaw(delivered.body, delivered.headers)).status).toBe(200);
    await third.handler.idle();
    expect(third.payments.sent).toEqual([]);
    expect(third.results.size).toBe(0);
    second.store.close();
    third.store.close();
  });

  it('reject → the tool never runs and the model receives the comment', async () => {
    const p = process_();
    const pending = await pause(p, 'run-reject', ask({ to: 'shady', amount: 2_500 }));
    await h.decide(pending[0]!.requestId, { approved: false, comment: 'Vendor not verified' });
    await waitFor(() => p.results.get('run-reject'));
    await p.handler.idle();
    expect(p.results.get('run-reject')?.finalOutput).toBe(
      'send_payment: send_payment was rejected by Admin: Vendor not verified',
    );
    expect(p.payments.sent).toEqual([]);
    p.store.close();
  });

  it('two calls in one turn, decided separately and concurrently, resume once with both answers', async () => {
    const p = process_();
    const pending = await pause(
      p,
      'run-two',
      ask({ to: 'alpha', amount: 1_500 }, { to: 'beta', amount: 7_000 }),
    );
    expect(pending).toHaveLength(2);
    await Promise.all([
      h.decide(pending[0]!.requestId, { approved: true, comment: 'ok' }),
      h.decide(pending[1]!.requestId, { approved: false, comment: 'Too much this month' }),
    ]);
    await waitFor(() => p.results.get('run-two'));
    await p.handler.idle();
    expect(p.payments.sent).toEqual([{ to: 'alpha', amount: 1500 }]);
    expect(p.results.get('run-two')?.finalOutput).toBe(
      'send_payment: sent $1500 to alpha | send_payment: send_payment was rejected by Admin: Too much this month',
    );
    p.store.close();
  });

  it('expiry fails closed and the model is told', async () => {
    const p = process_();
    await pause(p, 'run-expire', ask({ to: 'late', amount: 3_000 }));
    offset += 11 * 60_000;
    await waitFor(() => p.results.get('run-expire'));
    await p.handler.idle();
    expect(p.results.get('run-expire')?.finalOutput).toBe(
      'send_payment: send_payment was not run: the approval request expired without an answer.',
    );
    expect(p.payments.sent).toEqual([]);
    p.store.close();
  });

  it('a streamed run pauses and resumes', async () => {
    const p = process_({ stream: true });
    const streamed = await run(p.agent, ask({ to: 'stream', amount: 4_000 }), { stream: true });
    for await (const _event of streamed) {
    }
    await streamed.completed;
    const pending = await submitInterruptions(streamed, {
      client: client(),
      store: p.store,
      runKey: 'run-stream',
      appVersion: '1.0.0',
      callbackUrl,
    });
    await h.decide(pending[0]!.requestId, { approved: true, comment: 'ok' });
    await waitFor(() => p.results.get('run-stream'));
    await p.handler.idle();
    expect(p.results.get('run-stream')?.finalOutput).toBe('send_payment: sent $4000 to stream');
    p.store.close();
  });

  it('a different app version stops the run instead of guessing; changed arguments are never run', async () => {
    const paused = process_();
    const pending = await pause(paused, 'run-version', ask({ to: 'v', amount: 2_000 }));
    paused.store.close();
    const upgraded = process_({ appVersion: '2.0.0' });
    await h.decide(pending[0]!.requestId, { approved: true, comment: 'ok' });
    await waitFor(() => upgraded.errors.length > 0);
    expect(upgraded.errors[0]?.error).toBeInstanceOf(ResumeRefusedError);
    expect(String((upgraded.errors[0]?.error as Error | undefined)?.message)).toMatch(
      /paused by app version 1.0.0; refusing to resume it with 2.0.0/,
    );
    expect((await upgraded.store.load('run-version'))?.status).toBe('failed');
    expect(upgraded.payments.sent).toEqual([]);

    const tampered = await pause(upgraded, 'run-args', ask({ to: 'x', amount: 9_000 }));
    const stored = (await upgraded.store.load('run-args'))!;
    await upgraded.store.save({
      ...stored,
      pending: stored.pending.map((c) => ({ ...c, argsHash: 'f'.repeat(64) })),
    });
    upgraded.store.close();
    const p = process_();
    await h.decide(tampered[0]!.requestId, { approved: true, comment: 'ok' });
    await waitFor(() => p.results.get('run-args'));
    await p.handler.idle();
    expect(p.results.get('run-args')?.finalOutput).toBe(
      'send_payment: send_payment was not run: its arguments changed after approval.',
    );
    expect(p.payments.sent).toEqual([]);
    p.store.close();
  });

  it('nested agent.asTool approvals surface in the outer run and resume', async () => {
    const p = process_();
    const outer = new Agent({
      name: 'orchestrator',
      instructions: 'Delegate payments.',
      tools: [p.agent.asTool({ toolName: 'payments_agent', toolDescription: 'Pays vendors' })],
      model: scriptedModel((text) => [
        { name: 'payments_agent', arguments: { input: text }, callId: 'call_outer' },
      ]),
    });
    const result = await run(outer, ask({ to: 'nested', amount: 6_000 }));
    expect(result.interruptions.map((i) => [i.name, i.agent.name])).toEqual([['send_payment', 'payments']]);
    const nestedHandler = createAgentsResumeHandler({
      agent: outer,
      secret: h.org.webhook_secret,
      client: client(),
      store: p.store,
      appVersion: '1.0.0',
      clock,
      onResult: (r, key) => {
        p.results.set(key, r);
      },
    });
    current = nestedHandler;
    const pending = await submitInterruptions(result, {
      client: client(),
      store: p.store,
      runKey: 'run-nested',
      appVersion: '1.0.0',
      callbackUrl,
    });
    await h.decide(pending[0]!.requestId, { approved: true, comment: 'ok' });
    await waitFor(() => p.results.get('run-nested'));
    await nestedHandler.idle();
    expect(p.payments.sent).toEqual([{ to: 'nested', amount: 6000 }]);
    p.store.close();
  });

  it('runWithApprovals waits in process; small payments need nobody', async () => {
    const payments: Payments = { sent: [] };
    const agent = paymentsAgent(payments);
    const decider = (async () => {
      const id = await waitFor(async () => {
        const queue = await h.operator(h.org.reviewer_token).get('/operator/queue');
        return (queue.body.data as { id: string; question: string }[]).find(
          (r) => r.question === 'Send $1200 to poll?',
        )?.id;
      });
      await h.decide(id, { approved: true, comment: 'ok' });
    })();
    const result = await runWithApprovals(
      agent,
      ask({ to: 'poll', amount: 1_200 }, { to: 'small', amount: 50 }),
      {
        client: client(),
        runKey: 'run-poll',
        intervalMs: 50,
      },
    );
    await decider;
    expect(String(result.finalOutput).split(' | ').sort()).toEqual([
      'send_payment: sent $1200 to poll',
      'send_payment: sent $50 to small',
    ]);
    expect(payments.sent).toHaveLength(2);
  });
});
