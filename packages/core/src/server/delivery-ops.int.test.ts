import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../protocol/decision.js';
import { readRawBody, toWebHeaders } from '../receiver/node.js';
import { createWebhookReceiver } from '../receiver/webhook-receiver.js';
import { type Harness, startHarness, waitFor } from '../testing/harness.js';

let offset = 0;
const clock = () => Date.now() + offset;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(() => h.close());

/** A receiver that knows exactly one secret and checks signatures against the same clock as the server. */
async function receiverWith(secret: string) {
  const decisions: Decision[] = [];
  const statuses: number[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const receiver = createWebhookReceiver({
    secret,
    confirm: false,
    clock,
    onDecision: (d) => void decisions.push(d),
  });
  const server: Server = createServer(async (req, res) => {
    headers.push(req.headers);
    const answer = await receiver.handleRaw(await readRawBody(req), toWebHeaders(req));
    statuses.push(answer.status);
    res.writeHead(answer.status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    decisions,
    statuses,
    headers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const decideVia = async (url: string) => {
  const created = await h.client.createRequest({
    type: 'approval',
    question: 'q',
    context: 'c',
    callback_url: url,
  });
  await h.decide(created.id, { approved: true, comment: 'ok' });
  return created.id;
};

describe('delivery operations', () => {
  it('rotation: during the overlap old-only and new-only receivers both accept; afterwards only the new one', async () => {
    const oldSecret = h.org.webhook_secret;
    const rotated = await h.admin.rotateWebhookSecret(h.org.org_id, 60_000);
    const oldOnly = await receiverWith(oldSecret);
    const newOnly = await receiverWith(rotated.webhook_secret);
    const a = await decideVia(oldOnly.url);
    const b = await decideVia(newOnly.url);
    await waitFor(
      () =>
        oldOnly.decisions.some((d) => d.requestId === a) && newOnly.decisions.some((d) => d.requestId === b),
    );

    offset += 120_000;
    const c = await decideVia(oldOnly.url);
    const d = await decideVia(newOnly.url);
    await waitFor(() => newOnly.decisions.some((x) => x.requestId === d) && oldOnly.statuses.includes(401));
    expect(oldOnly.decisions.some((x) => x.requestId === c)).toBe(false);
    expect(oldOnly.headers.at(-1)).not.toHaveProperty('x-centcom-signature-previous');
    await oldOnly.close();
    await newOnly.close();
  });

  it('Standard Webhooks mode per organisation, and endpoint health in /runtime/status', async () => {
    const org = await h.admin.createOrganisation({ name: 'Standard' });
    await h.admin.setWebhookFormat(org.org_id, 'standard');
    const client = h.clientFor(org.api_key);
    const receiver = await receiverWith(org.webhook_secret);
    const created = await client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      callback_url: receiver.url,
    });
    await h
      .operator(org.reviewer_token)
      .post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    await waitFor(() => receiver.decisions.length === 1);
    expect(receiver.headers[0]).toMatchObject({
      'webhook-id': `evt_${created.id}_approved`,
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
    expect(receiver.headers[0]).not.toHaveProperty('x-centcom-signature');
    expect((await client.getRuntimeStatus()).webhooks).toMatchObject({
      format: 'standard',
      consecutive_failures: 0,
      last_error: null,
    });

    await receiver.close();
    const failing = await client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      callback_url: receiver.url,
    });
    await h
      .operator(org.reviewer_token)
      .post(`/operator/queue/${failing.id}/respond`, { approved: true, comment: 'ok' });
    const health = await waitFor(async () => {
      const status = await client.getRuntimeStatus();
      return (
        (status.webhooks as { consecutive_failures: number }).consecutive_failures > 0 && status.webhooks
      );
    });
    expect(health).toMatchObject({
      consecutive_failures: 1,
      last_success_at: expect.any(String),
      last_error: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
