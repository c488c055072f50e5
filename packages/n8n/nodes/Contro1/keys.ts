import { externalRequestId, threadIdFor } from '@contro1/core';
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/** Identifies one run of one node in one execution: every request it creates shares this thread. */
export interface NodeRun {
  workflowId: string;
  executionId: string;
  nodeId: string;
  runIndex: number;
}

/** The node run as both sides see it: `execute()` when it creates requests, `webhook()` when it checks a decision. */
export const nodeRun = (ctx: IExecuteFunctions | IWebhookFunctions, runIndex: number): NodeRun => ({
  workflowId: String(ctx.getWorkflow().id ?? 'unsaved'),
  executionId: ctx.getExecutionId(),
  nodeId: ctx.getNode().id,
  runIndex,
});

/**
 * Deterministic keys: a retried node run re-creates nothing (same Idempotency-Key), and items, loop iterations
 * (run index) and executions never collide.
 */
export const requestKey = (run: NodeRun, itemIndex: number) =>
  externalRequestId('n8n', run.workflowId, run.executionId, run.nodeId, run.runIndex, itemIndex);

export const threadOf = (run: NodeRun) =>
  threadIdFor(`${run.workflowId}:${run.executionId}:${run.nodeId}:${run.runIndex}`, 'n8n');
