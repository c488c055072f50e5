import { guardTool } from '@contro1/openai-agents';
import { Agent, type Model, tool } from '@openai/agents';
import { z } from 'zod';

export const APPROVAL_THRESHOLD = 1_000;

export interface Ledger {
  sent: { to: string; amount: number }[];
}

/** `send_payment` runs on its own up to $1,000; above that a human decides through Contro1. */
export function buildPaymentsAgent(ledger: Ledger, model: Model | string) {
  const sendPayment = tool({
    name: 'send_payment',
    description: 'Send a payment to a vendor',
    parameters: z.object({ to: z.string(), amount: z.number().positive() }),
    execute: async ({ to, amount }) => {
      ledger.sent.push({ to, amount });
      return `Sent $${amount} to ${to}.`;
    },
  });
  const guarded = guardTool(sendPayment, {
    when: (args) => Number(args.amount) > APPROVAL_THRESHOLD,
    request: (args) => ({
      title: `Send $${args.amount} to ${args.to}?`,
      riskLevel: Number(args.amount) > 10_000 ? 'high' : 'medium',
      policyTrigger: `Payments above $${APPROVAL_THRESHOLD} need a human`,
      requiredRole: 'finance',
    }),
  });
  return new Agent({
    name: 'payments',
    instructions: 'Pay each vendor the user lists with send_payment, then report the results.',
    tools: [guarded],
    model,
  });
}
