import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CentcomClient, toNodeListener } from '@contro1/core';
import { startHarness, waitFor } from '@contro1/core/testing';
import {
  createAgentsResumeHandler,
  createSqliteRunStateStore,
  submitInterruptions,
} from '@contro1/openai-agents';
import { run, setTracingDisabled } from '@openai/agents';
import { buildPaymentsAgent, type Ledger } from './payments-agent.js';
import { paymentsScript } from './scripted-model.js';

export interface StoryOutcome {
  sent: Ledger['sent'];
  finalOutput: string;
  asked: string[];
}

/**
 * The reference server, the agent's webhook endpoint and a payments run on one machine; an auto-decider with the
 * finance role approves up to $10,000 and rejects larger payments with a reason.
 */
export async function runPaymentsStory(log: (line: string) => void = () => {}): Promise<StoryOutcome> {
  const realModel = process.env.USE_REAL_MODEL === '1';
  if (!realModel) setTracingDisabled(true);
  const server = await startHarness();
  const finance = await server.admin.createReviewer(server.org.org_id, {
    name: 'Dana (finance)',
    roles: ['finance'],
  });
  const client = new CentcomClient({ apiKey: server.org.api_key, baseUrl: server.apiUrl });
  const store = createSqliteRunStateStore(join(server.dbPath, '..', 'runs.db'));
  const ledger: Ledger = { sent: [] };
  const agent = buildPaymentsAgent(ledger, realModel ? 'gpt-4.1-mini' : paymentsScript());

  const webhook = createServer();
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const callbackUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/contro1`;
  let finalOutput: string | undefined;
  const handler = createAgentsResumeHandler({
    agent,
    client,
    store,
    appVersion: '1.0.0',
    secret: server.org.webhook_secret,
    callbackUrl,
    onResult: (result) => {
      finalOutput = String(result.finalOutput);
    },
  });
  webhook.on('request', toNodeListener(handler));

  const result = await run(agent, 'Pay $250 to Printers, $4,000 to Acme and $25,000 to Globex.');
  const pending = await submitInterruptions(result, {
    client,
    store,
    runKey: 'invoices-2026-11',
    appVersion: '1.0.0',
    callbackUrl,
  });
  log(`agent paused: ${pending.length} payment(s) wait for a human; $250 went through on its own`);

  const asked: string[] = [];
  for (const p of pending) {
    const request = await client.getRequest(p.requestId);
    const amount = Number((request.context as { tool_input: { amount: number } }).tool_input.amount);
    const answer =
      amount <= 10_000
        ? { approved: true, comment: 'Matches the invoice' }
        : { approved: false, comment: 'Needs a second quote' };
    await server.operator(finance.reviewer_token).post(`/operator/queue/${p.requestId}/respond`, answer);
    asked.push(request.question);
    log(`finance ${answer.approved ? 'approved' : 'rejected'}: ${request.question} (${answer.comment})`);
  }
  await waitFor(() => finalOutput !== undefined, 15_000);
  await handler.idle();
  log(`agent finished:\n${finalOutput}`);
  await new Promise<void>((r) => webhook.close(() => r()));
  store.close();
  await server.close();
  return { sent: ledger.sent, finalOutput: finalOutput ?? '', asked };
}
