import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { contro1Request } from './api.js';
import { requestKey } from './keys.js';
import { buildRequestBody, jsonObject } from './request-body.js';
import { nodeRunOf } from './wait.js';

type Operation = (ctx: IExecuteFunctions, itemIndex: number) => Promise<IDataObject>;

const create: Operation = async (ctx, i) => {
  const type = ctx.getNodeParameter('requestType', i) as 'approval' | 'yes_no' | 'free_text';
  const callbackUrl = String(ctx.getNodeParameter('callbackUrl', i, '') ?? '').trim();
  const key = requestKey(nodeRunOf(ctx), i);
  const body: IDataObject = { ...buildRequestBody(ctx, i, type), external_request_id: key };
  if (callbackUrl) body.callback_url = callbackUrl;
  return contro1Request(ctx, { method: 'POST', path: '/requests', body, idempotencyKey: key }, i);
};

const requestPath = (ctx: IExecuteFunctions, i: number) =>
  `/requests/${encodeURIComponent(String(ctx.getNodeParameter('requestId', i)).trim())}`;

const get: Operation = (ctx, i) => contro1Request(ctx, { method: 'GET', path: requestPath(ctx, i) }, i);

const cancel: Operation = async (ctx, i) => {
  await contro1Request(ctx, { method: 'DELETE', path: requestPath(ctx, i) }, i);
  return contro1Request(ctx, { method: 'GET', path: requestPath(ctx, i) }, i);
};

const log: Operation = (ctx, i) => {
  const extra = ctx.getNodeParameter('auditFields', i, {}) as {
    correlationId?: string;
    metadata?: string | IDataObject;
    externalRequestId?: string;
    severity?: string;
  };
  const workflow = ctx.getWorkflow();
  const body: IDataObject = {
    action: ctx.getNodeParameter('action', i),
    summary: ctx.getNodeParameter('summary', i),
    outcome: ctx.getNodeParameter('outcome', i),
    source: { integration: 'n8n', workflow_id: String(workflow.id ?? ''), run_id: ctx.getExecutionId() },
    external_request_id: extra.externalRequestId || requestKey(nodeRunOf(ctx), i),
  };
  if (extra.correlationId) body.correlation_id = extra.correlationId;
  if (extra.severity) body.severity = extra.severity;
  const metadata = jsonObject(ctx, extra.metadata, 'Metadata', i);
  if (Object.keys(metadata).length) body.metadata = metadata;
  return contro1Request(ctx, { method: 'POST', path: '/audit-records', body }, i);
};

const OPERATIONS: Record<string, Operation> = { create, get, cancel, log };

/** Create / Get / Cancel Request and Log Action: one call per item, results on the single output. */
export async function runSimple(ctx: IExecuteFunctions, operation: string): Promise<INodeExecutionData[][]> {
  const run = OPERATIONS[operation];
  if (!run) throw new Error(`Unknown operation ${operation}`);
  const out: INodeExecutionData[] = [];
  const items = ctx.getInputData();
  for (let i = 0; i < items.length; i++) {
    try {
      out.push({ json: await run(ctx, i), pairedItem: { item: i } });
    } catch (error) {
      if (!ctx.continueOnFail())
        throw error instanceof NodeApiError || error instanceof NodeOperationError
          ? error
          : new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
      out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
    }
  }
  return [out];
}
