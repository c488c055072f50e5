import { Agent, tool } from '@openai/agents';
import { z } from 'zod';
import { guardTool } from '../guard-tool.js';
import { scriptedModel } from './scripted-model.js';

export interface Payments {
  sent: { to: string; amount: number }[];
}

/** A payments agent whose scripted model pays whatever the user message (JSON) lists; payments above $1,000 need a human. */
export function paymentsAgent(payments: Payments) {
  const sendPayment = tool({
    name: 'send_payment',
    description: 'Send a payment to a vendor',
    parameters: z.object({ to: z.string(), amount: z.number() }),
    execute: async ({ to, amount }) => {
      payments.sent.push({ to, amount });
      return `sent $${amount} to ${to}`;
    },
  });
  const guarded = guardTool(sendPayment, {
    when: (args) => Number(args.amount) > 1_000,
    request: (args) => ({
      title: `Send $${args.amount} to ${args.to}?`,
      riskLevel: Number(args.amount) > 10_000 ? 'high' : 'medium',
      policyTrigger: 'Payments above $1,000 need a human',
      policyContext: { policy_name: 'payments', rule_id: 'over-1000' },
    }),
  });
  return new Agent({
    name: 'payments',
    instructions: 'Pay vendors as asked.',
    tools: [guarded],
    model: scriptedModel((text) => {
      const asks = JSON.parse(text) as { to: string; amount: number }[];
      return asks.map((a, i) => ({ name: 'send_payment', arguments: a, callId: `call_${a.to}_${i}` }));
    }),
  });
}

export const ask = (...payments: { to: string; amount: number }[]) => JSON.stringify(payments);
