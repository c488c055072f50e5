import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CentcomClient, toNodeListener } from '@contro1/core';
import { startHarness, waitFor } from '@contro1/core/testing';
import { createLangGraphResumeHandler } from '@contro1/langgraph';
import { buildRefundAgent, customerAsks, type Ledger } from './refund-agent.js';

export interface StoryOutcome {
  refunds: Ledger['refunds'];
  replies: Record<string, string>;
  caseActions: string[];
}

/**
 * The whole story on one machine: the reference server, the agent's webhook endpoint, the refund agent, and an
 * auto-decider standing in for the human (it approves refunds up to $1,000 and rejects larger ones with a reason).
 */
export async function runRefundStory(log: (line: string) => void = () => {}): Promise<StoryOutcome> {
  const server = await startHarness();
  const client = new CentcomClient({ apiKey: server.org.api_key, baseUrl: server.apiUrl });
  const ledger: Ledger = { refunds: [] };
  const checkpointPath = join(server.dbPath, '..', 'checkpoints.db');

  const webhook = createServer();
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const callbackUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/contro1`;
  const agent = buildRefundAgent({ client, callbackUrl, checkpointPath, ledger });
  const handler = createLangGraphResumeHandler({ graph: agent, secret: server.org.webhook_secret, client });
  webhook.on('request', toNodeListener(handler));

  const orders = [
    { order: 'A-1001', amount: 120 },
    { order: 'B-2002', amount: 9_000 },
  ];
  for (const { order, amount } of orders) {
    await agent.invoke(customerAsks(order, amount), { configurable: { thread_id: `refund-${order}` } });
    log(`agent paused: refund $${amount} on ${order} waits for a human`);
  }

  const queue = await server.operator(server.org.reviewer_token).get('/operator/queue');
  for (const request of queue.body.data as {
    id: string;
    question: string;
    context: { tool_input: { amount: number } };
  }[]) {
    const amount = request.context.tool_input.amount;
    const answer =
      amount <= 1_000
        ? { approved: true, comment: 'Within policy' }
        : { approved: false, comment: 'Above the $1,000 limit' };
    await server.decide(request.id, answer);
    log(`reviewer ${answer.approved ? 'approved' : 'rejected'}: ${request.question} (${answer.comment})`);
  }

  const replies: Record<string, string> = {};
  for (const { order } of orders) {
    const thread = { configurable: { thread_id: `refund-${order}` } };
    await waitFor(async () => (await agent.getState(thread)).next.length === 0);
    const messages = (await agent.getState(thread)).values.messages;
    replies[order] = String(messages.at(-1)?.content);
    log(`agent resumed: ${replies[order]}`);
  }
  await handler.idle();
  const timeline = await client.getCase('lg:refund-A-1001');
  const outcome = {
    refunds: ledger.refunds,
    replies,
    caseActions: timeline.items.map((i) => (i.kind === 'request' ? `request:${i.status}` : String(i.action))),
  };
  await new Promise<void>((r) => webhook.close(() => r()));
  await server.close();
  return outcome;
}
