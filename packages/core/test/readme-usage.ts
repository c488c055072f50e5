// The README's usage block, typechecked with the package (readme.test.ts keeps the two identical).
declare function payInvoice(invoice: number): Promise<void>;

import { createServer } from 'node:http';
import { CentcomClient, createWebhookReceiver, isApproved, toNodeListener } from '@contro1/core';

const client = new CentcomClient(); // reads CENTCOM_API_KEY and CENTCOM_BASE_URL
const request = await client.createRequest({
  type: 'approval',
  question: 'Pay invoice 1042 ($12,400)?',
  context: { tool_name: 'pay_invoice', tool_input: { invoice: 1042 } },
  external_request_id: 'pay:1042',
  callback_url: 'https://agent.example.com/contro1/webhook',
});

const receiver = createWebhookReceiver({
  secret: process.env.CENTCOM_WEBHOOK_SECRET ?? '',
  client, // the outcome is confirmed with GET /requests/:id before onDecision runs
  onDecision: async (decision) => {
    if (isApproved(decision)) await payInvoice(1042);
  },
});
createServer(toNodeListener(receiver)).listen(8787); // web runtimes: receiver.handle(request)

// Without a public callback URL, poll instead; anything but an explicit approval fails closed.
const decision = await client.waitForDecision(request.id, { timeoutMs: 60_000 });
if (isApproved(decision)) await payInvoice(1042);
