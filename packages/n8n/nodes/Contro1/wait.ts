import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import { contro1Request } from './api.js';
import { type NodeRun, nodeRun, requestKey, threadOf } from './keys.js';
import { buildRequestBody, graceMinutes } from './request-body.js';

export const RUN_PARAM = 'contro1_run';
export const ITEMS_PARAM = 'contro1_items';

export function nodeRunOf(ctx: IExecuteFunctions): NodeRun {
  const runIndex = Number(ctx.evaluateExpression('{{ $runIndex }}', 0));
  return nodeRun(ctx, Number.isInteger(runIndex) && runIndex >= 0 ? runIndex : 0);
}

/**
 * n8n's resume URL for this node, signed where the runtime can sign it (the signature also covers our query
 * parameters, so the run index and item count cannot be altered).
 */
function resumeUrl(ctx: IExecuteFunctions, params: Record<string, string>): string {
  if (typeof ctx.getSignedResumeUrl === 'function') return ctx.getSignedResumeUrl(params);
  const base = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0));
  return `${base}/${ctx.getNode().id}?${new URLSearchParams(params).toString()}`;
}

/**
 * Request Approval and Wait / Ask and Wait: one request per item, all answering to this execution's resume URL,
 * then the execution waits until the last expiry plus a grace period. What this returns is only what n8n uses
 * if the wait runs out: every item on the Timed-out output, never on Approved or Answered.
 */
export async function createAndWait(
  ctx: IExecuteFunctions,
  operation: string,
): Promise<INodeExecutionData[][]> {
  const items = ctx.getInputData();
  const run = nodeRunOf(ctx);
  const callbackUrl = resumeUrl(ctx, {
    [RUN_PARAM]: String(run.runIndex),
    [ITEMS_PARAM]: String(items.length),
  });
  const approval = operation === SEND_AND_WAIT_OPERATION;
  let waitUntil = 0;
  const timedOut: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    const type = approval ? 'approval' : (ctx.getNodeParameter('answerType', i) as 'yes_no' | 'free_text');
    const key = requestKey(run, i);
    const body = {
      ...buildRequestBody(ctx, i, type),
      callback_url: callbackUrl,
      external_request_id: key,
      thread_id: threadOf(run),
    };
    const created = await contro1Request(
      ctx,
      { method: 'POST', path: '/requests', body, idempotencyKey: key },
      i,
    );
    const expiresAt = Date.parse(String(created.expires_at));
    waitUntil = Math.max(
      waitUntil,
      (Number.isNaN(expiresAt) ? Date.now() : expiresAt) + graceMinutes(ctx, i) * 60_000,
    );
    timedOut.push({
      json: {
        ...items[i]?.json,
        contro1: {
          request_id: String(created.request_id ?? created.id),
          status: 'timed_out',
          reason: 'No decision reached this workflow before the wait ended',
        },
      },
      pairedItem: { item: i },
    });
  }
  await ctx.putExecutionToWait(new Date(waitUntil));
  return approval ? [[], [], timedOut] : [[], timedOut];
}
