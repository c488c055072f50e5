import type { CentcomClient } from '@contro1/core';
import { withApproval } from '@contro1/langgraph';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { z } from 'zod';

export interface Ledger {
  refunds: { order: string; amount: number }[];
}

/**
 * The refund agent. Its "model" is a scripted node that proposes one `refund` tool call per customer message
 * (an LLM would do the same); the refund tool only runs after a human approves it through Contro1.
 */
export function buildRefundAgent(options: {
  client: CentcomClient;
  callbackUrl: string;
  checkpointPath: string;
  ledger: Ledger;
}) {
  const refund = tool(
    async ({ order, amount }) => {
      options.ledger.refunds.push({ order, amount });
      return `Refunded $${amount} on order ${order}.`;
    },
    {
      name: 'refund',
      description: 'Refund a customer order',
      schema: z.object({ order: z.string(), amount: z.number() }),
    },
  );
  const guardedRefund = withApproval(refund, {
    client: options.client,
    callbackUrl: options.callbackUrl,
    describe: (args) => ({
      title: `Refund $${args.amount} on order ${args.order}?`,
      riskLevel: Number(args.amount) > 1_000 ? 'high' : 'medium',
      policyTrigger: 'Every refund needs a human yes',
    }),
  });
  return new StateGraph(MessagesAnnotation)
    .addNode('model', (state) => {
      const ask = JSON.parse(String(state.messages[0]?.content)) as { order: string; amount: number };
      return {
        messages: [
          new AIMessage({
            content: '',
            tool_calls: [{ id: `call_${ask.order}`, name: 'refund', args: ask }],
          }),
        ],
      };
    })
    .addNode('tools', new ToolNode([guardedRefund]))
    .addEdge(START, 'model')
    .addEdge('model', 'tools')
    .addEdge('tools', END)
    .compile({ checkpointer: SqliteSaver.fromConnString(options.checkpointPath) });
}

export const customerAsks = (order: string, amount: number) => ({
  messages: [new HumanMessage(JSON.stringify({ order, amount }))],
});
