import type { CentcomClient } from '@contro1/core';
import { AIMessage, HumanMessage, type ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { z } from 'zod';
import { withApproval } from '../approval-tool.js';
import { requestApproval } from '../request-approval.js';

export interface Effects {
  refunds: { order: string; amount: number }[];
  slowMs: number;
}

/** A refund agent: a scripted "model" node proposes a tool call, a ToolNode runs the approval-guarded tool. */
export function refundGraph(dbPath: string, client: CentcomClient, callbackUrl: string, effects: Effects) {
  const refund = tool(
    async ({ order, amount }) => {
      await new Promise((r) => setTimeout(r, effects.slowMs));
      effects.refunds.push({ order, amount });
      return `Refunded $${amount} on order ${order}.`;
    },
    {
      name: 'refund',
      description: 'Refund an order',
      schema: z.object({ order: z.string(), amount: z.number() }),
    },
  );
  const guarded = withApproval(refund, {
    client,
    callbackUrl,
    describe: (args) => ({
      title: `Refund $${args.amount} on order ${args.order}?`,
      riskLevel: 'medium',
      allowEdit: true,
    }),
  });
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', (state) => {
      const args = JSON.parse(String(state.messages[0]?.content)) as { order: string; amount: number };
      return {
        messages: [new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'refund', args }] })],
      };
    })
    .addNode('tools', new ToolNode([guarded]))
    .addEdge(START, 'agent')
    .addEdge('agent', 'tools')
    .addEdge('tools', END)
    .compile({ checkpointer: SqliteSaver.fromConnString(dbPath) });
}

export const refundInput = (order: string, amount: number) => ({
  messages: [new HumanMessage(JSON.stringify({ order, amount }))],
});

export const lastToolMessage = (state: { messages: unknown[] }) => state.messages.at(-1) as ToolMessage;

const DeployState = Annotation.Root({
  service: Annotation<string>(),
  results: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
});

/** Two approvals in one step: `deploy_api` and `deploy_web` run in parallel from START. */
export function parallelGraph(dbPath: string, client: CentcomClient, callbackUrl: string | undefined) {
  const node = (service: string) => async () => {
    const approval = await requestApproval(
      { title: `Deploy ${service}?`, toolName: 'deploy', toolInput: { service } },
      { client, ...(callbackUrl ? { callbackUrl } : {}) },
    );
    return { results: [`${service}:${approval.approved ? 'deployed' : approval.outcome}`] };
  };
  return new StateGraph(DeployState)
    .addNode('deploy_api', node('api'))
    .addNode('deploy_web', node('web'))
    .addEdge(START, 'deploy_api')
    .addEdge(START, 'deploy_web')
    .addEdge('deploy_api', END)
    .addEdge('deploy_web', END)
    .compile({ checkpointer: SqliteSaver.fromConnString(dbPath) });
}
