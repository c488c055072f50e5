import { signWebhook } from '@contro1/core';
import { type Harness, startHarness, waitFor } from '@contro1/core/testing';
import type { INodeParameters } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contro1Api } from '../credentials/Contro1Api.credentials.js';
import { Contro1 } from '../nodes/Contro1/Contro1.node.js';
import { N8nHarness } from './n8n-harness.js';

let h: Harness;
const harnesses: N8nHarness[] = [];
let executions = 0;

beforeAll(async () => {
  h = await startHarness({ allowLoopbackCallbacks: true, pollMs: 100 });
});
afterAll(async () => {
  for (const n of harnesses) await n.close();
  await h.close();
});

const APPROVAL: INodeParameters = {
  resource: 'request',
  operation: 'sendAndWait',
  question: '=Refund order {{ $json.order }} of {{ $json.amount }} EUR?',
  context: '=Customer {{ $json.customer }} asks for a refund.',
  toolName: 'refund',
  toolInput: '={{ JSON.stringify({ order: $json.order, amount: $json.amount }) }}',
  additionalFields: { riskLevel: 'medium', policyTrigger: 'refunds need a human' },
};

async function n8n(parameters: INodeParameters = APPROVAL) {
  const harness = new N8nHarness(
    new Contro1(),
    new Contro1Api(),
    {
      baseUrl: h.apiUrl,
      apiKey: h.org.api_key,
      webhookSecret: h.org.webhook_secret,
    },
    parameters,
  );
  await harness.start();
  harnesses.push(harness);
  return harness;
}

const nextExecution = () => `exec-${++executions}`;
const order = (n: number) => ({ order: `A-${n}`, amount: 40 + n, customer: `c${n}` });

/** The request ids this execution created, by item. */
function requestIds(execution: { executeOutput: { json: Record<string, unknown> }[][] }): string[] {
  return execution.executeOutput.flat().map((i) => (i.json.contro1 as { request_id: string }).request_id);
}

describe('Request Approval and Wait', () => {
  it('approve → Approved with the decision data; before that, items sit only on Timed out', async () => {
    const node = await n8n();
    const execution = await node.run([order(1)], { executionId: nextExecution() });
    expect(execution.status).toBe('waiting');
    expect(execution.executeOutput[0]).toEqual([]);
    expect(execution.executeOutput[1]).toEqual([]);
    expect(execution.executeOutput[2]?.[0]?.json).toMatchObject({
      order: 'A-1',
      contro1: { status: 'timed_out' },
    });
    const [id] = requestIds(execution);
    const request = await h.client.getRequest(id as string);
    expect(request).toMatchObject({
      question: 'Refund order A-1 of 41 EUR?',
      context: 'Customer c1 asks for a refund.',
      tool_calls: [{ name: 'refund', input: { order: 'A-1', amount: 41 }, outcome: 'pending_approval' }],
      risk_level: 'medium',
      external_request_id: `n8n:wf_refunds:${execution.id}:node-approve-1:0:0`,
    });
    expect(execution.resumeUrl).toMatch(/contro1_run=0&contro1_items=1&signature=/);
    expect(request.callback_url).toBe(`${execution.resumeUrl?.split('?')[0]}?[redacted]`);
    expect(execution.waitTill?.getTime()).toBe(Date.parse(request.expires_at as string) + 5 * 60_000);

    await h.decide(id as string, { approved: true, comment: 'Order verified' });
    await waitFor(() => execution.status === 'resumed');
    const [approved, rejected, timedOut] = execution.resumedOutput ?? [];
    expect(rejected).toEqual([]);
    expect(timedOut).toEqual([]);
    expect(approved).toEqual([
      {
        json: {
          request_id: id,
          external_request_id: request.external_request_id,
          status: 'approved',
          approved: true,
          value: true,
          comment: 'Order verified',
          decided_by: 'Admin',
          decided_at: expect.any(String),
          data: { approved: true },
        },
        pairedItem: { item: 0 },
      },
    ]);
  });

  it('reject and cancel → Rejected with the comment', async () => {
    const node = await n8n();
    const rejected = await node.run([order(2)], { executionId: nextExecution() });
    await h.decide(requestIds(rejected)[0] as string, { approved: false, comment: 'Refund window closed' });
    await waitFor(() => rejected.status === 'resumed');
    expect(rejected.resumedOutput?.[0]).toEqual([]);
    expect(rejected.resumedOutput?.[1]?.[0]?.json).toMatchObject({
      status: 'denied',
      approved: false,
      comment: 'Refund window closed',
      data: { approved: false },
    });

    const cancelled = await node.run([order(3)], { executionId: nextExecution() });
    await h.client.cancelRequest(requestIds(cancelled)[0] as string);
    await waitFor(() => cancelled.status === 'resumed');
    expect(cancelled.resumedOutput?.[0]).toEqual([]);
    expect(cancelled.resumedOutput?.[1]?.[0]?.json).toMatchObject({ status: 'cancelled', approved: false });
  });

  it('an expired request → Timed out (the server says so), never Approved', async () => {
    const node = await n8n();
    const execution = await node.run([order(4)], { executionId: nextExecution() });
    // Stands in for an hour passing: the stored deadline is moved into the past, then the server's own expiry pass runs.
    const [id] = requestIds(execution);
    await h.store.mutateRequest(h.org.org_id, id as string, (current) => {
      const next = { ...current, expires_at: new Date(Date.now() - 1000).toISOString() };
      return { next, result: next };
    });
    await h.server.expiry.runOnce();
    await waitFor(() => execution.status === 'resumed', 15_000);
    expect(execution.resumedOutput?.[0]).toEqual([]);
    expect(execution.resumedOutput?.[2]?.[0]?.json).toMatchObject({ status: 'timed_out', approved: false });
  });

  it('refuses forged, stale, replayed and mismatched webhooks and keeps waiting', async () => {
    const node = await n8n();
    const execution = await node.run([order(5)], { executionId: nextExecution() });
    const [id] = requestIds(execution);
    const callbackUrl = execution.resumeUrl as string;
    const post = (body: string, headers: Record<string, string>, url = callbackUrl) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const signed = (body: string, secret: string, at = Math.floor(Date.now() / 1000)) => {
      const { signature, timestamp } = signWebhook(body, secret, String(at));
      return { 'x-centcom-timestamp': timestamp, 'x-centcom-signature': signature };
    };
    const fake = JSON.stringify({
      event_id: 'evt_forged',
      request_id: id,
      state: 'answered',
      response: { approved: true },
    });

    expect((await post(fake, signed(fake, 'whsec_wrong'))).status).toBe(401);
    expect((await post(fake, {})).status).toBe(401);
    expect(
      (await post(fake, signed(fake, h.org.webhook_secret, Math.floor(Date.now() / 1000) - 3600))).status,
    ).toBe(401);
    // A genuine decision of another execution, replayed to this one's resume URL.
    const other = await node.run([order(6)], { executionId: nextExecution() });
    const otherBody = JSON.stringify({ event_id: 'evt_other', request_id: requestIds(other)[0] });
    expect((await post(otherBody, signed(otherBody, h.org.webhook_secret))).status).toBe(409);
    // A correctly signed body for this request that claims approval while the server says it is still open.
    expect((await post(fake, signed(fake, h.org.webhook_secret))).status).toBe(202);
    // The resume URL's run parameter altered: n8n's URL signature no longer matches.
    expect(
      (
        await post(
          fake,
          signed(fake, h.org.webhook_secret),
          callbackUrl.replace('contro1_run=0', 'contro1_run=1'),
        )
      ).status,
    ).toBe(401);
    expect(execution.status).toBe('waiting');
    expect(execution.resumedOutput).toBeUndefined();

    await h.decide(id as string, { approved: false, comment: 'No' });
    await waitFor(() => execution.status === 'resumed');
    expect(execution.resumedOutput?.[1]?.[0]?.json).toMatchObject({ status: 'denied' });
    // The same decision replayed after the execution resumed changes nothing.
    const redelivered = await h.client.redeliver(id as string);
    expect(redelivered.ok).toBe(true);
    await waitFor(
      async () =>
        (await h.client.getRequest(id as string)).callback_state === 'failed' ||
        execution.responses.length >= 1,
    );
    expect(execution.resumedOutput?.[0]).toEqual([]);
    expect(execution.resumedOutput?.[1]?.[0]?.json).toMatchObject({ status: 'denied' });
  });

  it('two items → two requests; the execution resumes once both are decided, each on its own branch', async () => {
    const node = await n8n();
    const execution = await node.run([order(7), order(8)], { executionId: nextExecution() });
    const ids = requestIds(execution);
    expect(new Set(ids).size).toBe(2);
    await h.decide(ids[0] as string, { approved: true });
    await waitFor(() => execution.responses.some((r) => r.status === 202));
    expect(execution.status).toBe('waiting');
    await h.decide(ids[1] as string, { approved: false, comment: 'Duplicate order' });
    await waitFor(() => execution.status === 'resumed');
    expect(execution.resumedOutput?.[0]?.map((i) => [i.json.request_id, i.pairedItem])).toEqual([
      [ids[0], { item: 0 }],
    ]);
    expect(execution.resumedOutput?.[1]?.map((i) => [i.json.request_id, i.pairedItem])).toEqual([
      [ids[1], { item: 1 }],
    ]);
  });

  it('loop iterations (run index) never collide; a retried run creates nothing new', async () => {
    const node = await n8n();
    const executionId = nextExecution();
    const first = await node.run([order(9)], { executionId, runIndex: 0 });
    const second = await node.run([order(9)], { executionId, runIndex: 1 });
    const retried = await node.run([order(9)], { executionId, runIndex: 1 });
    expect(requestIds(first)[0]).not.toBe(requestIds(second)[0]);
    expect(requestIds(retried)).toEqual(requestIds(second));
  });
});

describe('Ask and Wait', () => {
  const ask = (answerType: string): INodeParameters => ({
    resource: 'request',
    operation: 'askAndWait',
    question: '=Is {{ $json.customer }} a known customer?',
    answerType,
  });

  it('yes/no and free text → Answered with the value', async () => {
    const yesNo = await n8n(ask('yes_no'));
    const execution = await yesNo.run([order(10)], { executionId: nextExecution() });
    expect(execution.executeOutput).toHaveLength(2);
    expect(execution.executeOutput[1]).toHaveLength(1);
    await h.decide(requestIds(execution)[0] as string, { value: false, comment: 'Never seen them' });
    await waitFor(() => execution.status === 'resumed');
    expect(execution.resumedOutput?.[0]?.[0]?.json).toMatchObject({
      value: false,
      comment: 'Never seen them',
    });

    const text = await n8n(ask('free_text'));
    const asked = await text.run([order(11)], { executionId: nextExecution() });
    await h.decide(requestIds(asked)[0] as string, { value: 'Yes, since 2019' });
    await waitFor(() => asked.status === 'resumed');
    expect(asked.resumedOutput?.[0]?.[0]?.json).toMatchObject({ value: 'Yes, since 2019' });
    expect(asked.resumedOutput?.[1]).toEqual([]);
  });
});

describe('Create, Get, Cancel and Log', () => {
  it('create without waiting, read it, cancel it, and log an action', async () => {
    const create = await n8n({
      resource: 'request',
      operation: 'create',
      question: 'Deploy v2?',
      requestType: 'approval',
    });
    const created = await create.run([{}], { executionId: nextExecution() });
    const id = created.executeOutput[0]?.[0]?.json.request_id as string;
    expect(created.executeOutput[0]?.[0]?.json).toMatchObject({ status: 'pending', question: 'Deploy v2?' });

    const get = await n8n({ resource: 'request', operation: 'get', requestId: '={{ $json.id }}' });
    expect(
      (await get.run([{ id }], { executionId: nextExecution() })).executeOutput[0]?.[0]?.json,
    ).toMatchObject({ request_id: id });

    const cancel = await n8n({ resource: 'request', operation: 'cancel', requestId: id });
    expect(
      (await cancel.run([{}], { executionId: nextExecution() })).executeOutput[0]?.[0]?.json,
    ).toMatchObject({ status: 'cancelled' });

    const log = await n8n({
      resource: 'auditRecord',
      operation: 'log',
      action: 'refund.sent',
      summary: '=Refunded {{ $json.order }}',
    });
    const logged = await log.run([order(12)], { executionId: nextExecution() });
    expect(logged.executeOutput[0]?.[0]?.json).toMatchObject({
      action: 'refund.sent',
      summary: 'Refunded A-12',
    });
  });

  it('an API error fails the item with the server message, or continues when told to', async () => {
    const get = await n8n({ resource: 'request', operation: 'get', requestId: 'req_missing' });
    await expect(get.run([{}], { executionId: nextExecution() })).rejects.toThrow(
      /Contro1 GET \/requests\/req_missing failed/,
    );
    const tolerant = await get.run([{}], { executionId: nextExecution(), continueOnFail: true });
    expect(tolerant.executeOutput[0]?.[0]?.json.error).toMatch(/failed/);
  });
});

describe('credentials', () => {
  it('the credential test request reaches /runtime/status and fails with a wrong key', async () => {
    const test = new Contro1Api().test.request;
    const url = `${h.apiUrl}${test.url}`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${h.org.api_key}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: 'Bearer cc_live_wrong' } })).status).toBe(401);
  });
});
