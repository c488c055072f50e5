import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CentcomClient, readRawBody, toWebHeaders } from '@contro1/core';
import { type Harness, startHarness, waitFor } from '@contro1/core/testing';
import { Command } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from './request-approval.js';
import { INTERRUPT_KIND } from './resume-envelope.js';
import { createLangGraphResumeHandler, type LangGraphResumeHandler } from './resume-handler.js';
import { localGraphTarget, remoteGraphTarget } from './resume-target.js';
import { resumeWhenDecided } from './resume-when-decided.js';
import { type Effects, lastToolMessage, parallelGraph, refundGraph, refundInput } from './testing/graphs.js';

let h: Harness;
let offset = 0;
const clock = () => Date.now() + offset;
let endpoint: Server;
let callbackUrl: string;
let current: LangGraphResumeHandler | undefined;
const deliveries: { body: Uint8Array; headers: Headers }[] = [];
let fanOut = 1;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ clock });
  dir = join(h.dbPath, '..');
  // One webhook endpoint whose handler can be swapped, as when a new process takes over the same URL.
  endpoint = createServer(async (req, res) => {
    const body = await readRawBody(req);
    const headers = toWebHeaders(req);
    deliveries.push({ body, headers });
    const handler = current;
    if (!handler) return void res.writeHead(503).end();
    const answers = await Promise.all(Array.from({ length: fanOut }, () => handler.handleRaw(body, headers)));
    res.writeHead(answers[0]!.status).end(await answers[0]!.text());
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
  callbackUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/langgraph/webhook`;
});
afterAll(async () => {
  await new Promise<void>((r) => endpoint.close(() => r()));
  await h.close();
});

const client = () => new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl });
const errors: unknown[] = [];
function handlerFor(graph: Parameters<typeof localGraphTarget>[0]) {
  current = createLangGraphResumeHandler({
    graph,
    secret: h.org.webhook_secret,
    client: client(),
    clock,
    onError: (e) => errors.push(e),
  });
  return current;
}
const pendingRequestIds = async (graph: Parameters<typeof localGraphTarget>[0], threadId: string) =>
  (await localGraphTarget(graph).pendingApprovals(threadId)).map((p) => p.value.request_id);

describe('requestApproval + ToolNode + resume handler against the real server', () => {
  it('approve → the tool runs once; a new graph instance resumes from the checkpointer; the case reads request → execution', async () => {
    const effects: Effects = { refunds: [], slowMs: 0 };
    const db = join(dir, 'approve.db');
    const thread = { configurable: { thread_id: 'refund-approve' } };
    const first = refundGraph(db, client(), callbackUrl, effects);
    await first.invoke(refundInput('A-1', 120), thread);
    const [requestId] = await pendingRequestIds(first, 'refund-approve');
    expect(requestId).toMatch(/^req_/);
    const request = await client().getRequest(requestId as string);
    expect(request).toMatchObject({
      question: 'Refund $120 on order A-1?',
      context: { tool_name: 'refund', tool_input: { order: 'A-1', amount: 120 } },
      metadata: { langgraph_thread_id: 'refund-approve', allow_edit: true },
      callback_url: callbackUrl,
      correlation_id: caseIdFor('refund-approve'),
    });

    // The pausing process is gone: a fresh graph object on the same checkpoint file takes the webhook.
    const second = refundGraph(db, client(), callbackUrl, effects);
    const handler = handlerFor(second);
    await h.decide(requestId as string, { approved: true, comment: 'Customer verified' });
    await waitFor(() => effects.refunds.length === 1);
    await handler.idle();
    const state = await second.getState(thread);
    expect(lastToolMessage(state.values).content).toBe('Refunded $120 on order A-1.');
    expect(state.next).toEqual([]);
    expect(effects.refunds).toEqual([{ order: 'A-1', amount: 120 }]);
    expect((await client().listRequests({ thread_id: request.thread_id as string })).requests).toHaveLength(
      1,
    );

    const timeline = await client().getCase(caseIdFor('refund-approve'));
    expect(timeline.items.map((i) => [i.kind, i.kind === 'request' ? i.status : i.action])).toEqual([
      ['request', 'approved'],
      ['audit_record', 'tool.refund.finished'],
    ]);

    // A replay of the same webhook, to this handler and to a fresh one without its memory, changes nothing.
    const delivered = deliveries.find((d) =>
      Buffer.from(d.body)
        .toString()
        .includes(requestId as string),
    );
    expect((await handler.handleRaw(delivered!.body, delivered!.headers)).status).toBe(200);
    const fresh = handlerFor(second);
    expect((await fresh.handleRaw(delivered!.body, delivered!.headers)).status).toBe(200);
    await fresh.idle();
    expect(effects.refunds).toHaveLength(1);
  });

  it('reject → the tool never runs and the model reads the comment', async () => {
    const effects: Effects = { refunds: [], slowMs: 0 };
    const graph = refundGraph(join(dir, 'reject.db'), client(), callbackUrl, effects);
    const handler = handlerFor(graph);
    const thread = { configurable: { thread_id: 'refund-reject' } };
    await graph.invoke(refundInput('B-2', 9_000), thread);
    const [requestId] = await pendingRequestIds(graph, 'refund-reject');
    await h.decide(requestId as string, { approved: false, comment: 'Over the refund limit' });
    await waitFor(async () => (await graph.getState(thread)).next.length === 0);
    await handler.idle();
    const message = lastToolMessage((await graph.getState(thread)).values);
    expect(message.content).toBe('The refund call was not executed: denied (Over the refund limit).');
    expect(effects.refunds).toEqual([]);
    const records = await client().listAuditRecords({ correlation_id: caseIdFor('refund-reject') });
    expect(records.audit_records.map((r) => r.action)).toEqual(['tool.refund.not_executed']);
  });

  it('expiry → fails closed on the reject path', async () => {
    const effects: Effects = { refunds: [], slowMs: 0 };
    const graph = refundGraph(join(dir, 'expire.db'), client(), callbackUrl, effects);
    const handler = handlerFor(graph);
    const thread = { configurable: { thread_id: 'refund-expire' } };
    await graph.invoke(refundInput('C-3', 50), thread);
    offset += 11 * 60_000;
    await waitFor(async () => (await graph.getState(thread)).next.length === 0);
    await handler.idle();
    expect(lastToolMessage((await graph.getState(thread)).values).content).toMatch(/not executed: timed_out/);
    expect(effects.refunds).toEqual([]);
  });

  it('an approval with edited arguments runs the tool with them', async () => {
    const effects: Effects = { refunds: [], slowMs: 0 };
    const graph = refundGraph(join(dir, 'edit.db'), client(), callbackUrl, effects);
    const handler = handlerFor(graph);
    const thread = { configurable: { thread_id: 'refund-edit' } };
    await graph.invoke(refundInput('D-4', 500), thread);
    const [requestId] = await pendingRequestIds(graph, 'refund-edit');
    await h.decide(requestId as string, {
      approved: true,
      comment: 'Partial refund only',
      edited_input: { order: 'D-4', amount: 200 },
    });
    await waitFor(() => effects.refunds.length === 1);
    await handler.idle();
    expect(effects.refunds).toEqual([{ order: 'D-4', amount: 200 }]);
  });

  it('a slow tool and two simultaneous deliveries run the tool once', async () => {
    const effects: Effects = { refunds: [], slowMs: 300 };
    const graph = refundGraph(join(dir, 'slow.db'), client(), callbackUrl, effects);
    const handler = handlerFor(graph);
    const thread = { configurable: { thread_id: 'refund-slow' } };
    await graph.invoke(refundInput('E-5', 75), thread);
    const [requestId] = await pendingRequestIds(graph, 'refund-slow');
    fanOut = 2;
    await h.decide(requestId as string, { approved: true, comment: 'ok' });
    await waitFor(() => effects.refunds.length === 1);
    const reconciling = handler.reconcile({ since: new Date(clock() - 60_000).toISOString() });
    await handler.idle();
    await reconciling;
    fanOut = 1;
    expect(effects.refunds).toHaveLength(1);
  });
});

describe('interrupt bookkeeping', () => {
  it('two interrupts in one step resume together; re-running nodes creates no second request', async () => {
    const graph = parallelGraph(join(dir, 'parallel.db'), client(), callbackUrl);
    const handler = handlerFor(graph);
    const thread = { configurable: { thread_id: 'deploy-both' } };
    await graph.invoke({ service: 'all' }, thread);
    const ids = await pendingRequestIds(graph, 'deploy-both');
    expect(ids).toHaveLength(2);
    await Promise.all([
      h.decide(ids[0] as string, { approved: true, comment: 'go' }),
      h.decide(ids[1] as string, { approved: false, comment: 'freeze' }),
    ]);
    await waitFor(async () => (await graph.getState(thread)).next.length === 0, 15_000);
    await handler.idle();
    const results = (await graph.getState(thread)).values.results as string[];
    expect(results).toHaveLength(2);
    expect(results.filter((r) => r.endsWith(':deployed'))).toHaveLength(1);
    expect(results.filter((r) => r.endsWith(':denied'))).toHaveLength(1);
    const requests = await client().listRequests({ correlation_id: caseIdFor('deploy-both') });
    expect(requests.requests).toHaveLength(2);
  });

  it('the same node pausing again later in the thread asks anew', async () => {
    const graph = parallelGraph(join(dir, 'again.db'), client(), undefined);
    const thread = { configurable: { thread_id: 'deploy-again' } };
    await graph.invoke({ service: 'all' }, thread);
    const firstIds = await pendingRequestIds(graph, 'deploy-again');
    for (const id of firstIds) await h.decide(id, { approved: true, comment: 'ok' });
    await resumeWhenDecided({ graph, client: client(), threadId: 'deploy-again', intervalMs: 20 });
    await graph.invoke({ service: 'all' }, thread);
    const secondIds = await pendingRequestIds(graph, 'deploy-again');
    expect(secondIds).toHaveLength(2);
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
  });

  it('resumeWhenDecided polls without webhooks; a bare or foreign resume value fails closed', async () => {
    const graph = parallelGraph(join(dir, 'poll.db'), client(), undefined);
    const thread = { configurable: { thread_id: 'deploy-poll' } };
    await graph.invoke({ service: 'all' }, thread);
    const pending = await localGraphTarget(graph).pendingApprovals('deploy-poll');
    const [a, b] = pending;
    await graph.invoke(
      new Command({
        resume: {
          [a!.interruptId]: true,
          [b!.interruptId]: {
            kind: INTERRUPT_KIND,
            request_id: b!.value.request_id,
            external_request_id: 'other-args',
            decision: { requestId: b!.value.request_id, outcome: 'approved' },
          },
        },
      }),
      thread,
    );
    expect(
      ((await graph.getState(thread)).values.results as string[]).every((r) => r.endsWith(':denied')),
    ).toBe(true);

    const polled = parallelGraph(join(dir, 'poll2.db'), client(), undefined);
    const thread2 = { configurable: { thread_id: 'deploy-poll-2' } };
    await polled.invoke({ service: 'all' }, thread2);
    const waiting = resumeWhenDecided({
      graph: polled,
      client: client(),
      threadId: 'deploy-poll-2',
      intervalMs: 20,
    });
    for (const id of await pendingRequestIds(polled, 'deploy-poll-2'))
      await h.decide(id, { approved: true, comment: 'ok' });
    await waiting;
    expect(((await polled.getState(thread2)).values.results as string[]).sort()).toEqual([
      'api:deployed',
      'web:deployed',
    ]);
    await expect(
      resumeWhenDecided({ graph: polled, client: client(), threadId: 'deploy-poll-2' }),
    ).resolves.toBeUndefined();
  });

  it('remoteGraphTarget drives a LangGraph server through the SDK client shape (server mocked: none runs here)', async () => {
    const calls: unknown[] = [];
    const fakeSdk = {
      threads: {
        getState: async () => ({
          tasks: [
            {
              interrupts: [
                {
                  id: 'abc',
                  value: {
                    kind: INTERRUPT_KIND,
                    request_id: 'req_x',
                    external_request_id: 'k',
                    reviewer_url: null,
                    title: 't',
                    tool_name: null,
                    tool_input: null,
                  },
                },
              ],
            },
          ],
        }),
      },
      runs: { wait: async (...args: unknown[]) => calls.push(args) },
    };
    const target = remoteGraphTarget(fakeSdk, 'agent');
    expect((await target.pendingApprovals('t1')).map((p) => p.interruptId)).toEqual(['abc']);
    await target.resume('t1', {
      abc: {
        kind: INTERRUPT_KIND,
        request_id: 'req_x',
        external_request_id: 'k',
        decision: { requestId: 'req_x', outcome: 'approved' },
      },
    });
    expect(calls).toEqual([
      ['t1', 'agent', { command: { resume: { abc: expect.objectContaining({ request_id: 'req_x' }) } } }],
    ]);
  });

  it('reported no unexpected resume errors', () => {
    expect(errors).toEqual([]);
  });
});
