import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

interface AdditionalFields {
  correlationId?: string;
  approvalCommentRequired?: boolean;
  slaMinutes?: number;
  metadata?: string | IDataObject;
  policyTrigger?: string;
  priority?: string;
  requiredRole?: string;
  riskLevel?: string;
}

/** A JSON parameter arrives as a string or, from an expression, already as an object. */
export function jsonObject(
  ctx: IExecuteFunctions,
  value: unknown,
  name: string,
  itemIndex: number,
): IDataObject {
  if (value === undefined || value === null || value === '') return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new NodeOperationError(ctx.getNode(), `${name} is not valid JSON`, { itemIndex });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NodeOperationError(ctx.getNode(), `${name} must be a JSON object`, { itemIndex });
  }
  return parsed as IDataObject;
}

/** The legacy create body (section 3a) from the node's parameters for one item. */
export function buildRequestBody(
  ctx: IExecuteFunctions,
  itemIndex: number,
  type: 'approval' | 'yes_no' | 'free_text',
): IDataObject {
  const question = String(ctx.getNodeParameter('question', itemIndex)).trim();
  if (!question) throw new NodeOperationError(ctx.getNode(), 'Question is empty', { itemIndex });
  const context = String(ctx.getNodeParameter('context', itemIndex, '') ?? '');
  const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as AdditionalFields;
  const body: IDataObject = {
    type,
    question,
    context: context || question,
    priority: extra.priority ?? 'normal',
  };
  if (type === 'approval') {
    const toolName = String(ctx.getNodeParameter('toolName', itemIndex, '') ?? '').trim();
    if (toolName) {
      const input = jsonObject(
        ctx,
        ctx.getNodeParameter('toolInput', itemIndex, '{}'),
        'Tool Input',
        itemIndex,
      );
      body.tool_calls = [{ name: toolName, input, outcome: 'pending_approval' }];
    }
  }
  if (extra.riskLevel) body.risk_level = extra.riskLevel;
  if (extra.policyTrigger) body.policy_trigger = extra.policyTrigger;
  if (extra.requiredRole) body.required_role = extra.requiredRole;
  if (extra.slaMinutes) body.sla_minutes = extra.slaMinutes;
  if (extra.correlationId) body.correlation_id = extra.correlationId;
  if (extra.approvalCommentRequired) body.approval_comment_required = true;
  const metadata = jsonObject(ctx, extra.metadata, 'Metadata', itemIndex);
  const workflow = ctx.getWorkflow();
  body.metadata = {
    ...metadata,
    n8n: {
      workflow_id: workflow.id ?? null,
      workflow_name: workflow.name ?? null,
      execution_id: ctx.getExecutionId(),
    },
  };
  return body;
}

export const graceMinutes = (ctx: IExecuteFunctions, itemIndex: number) =>
  Number(
    (ctx.getNodeParameter('additionalFields', itemIndex, {}) as { graceMinutes?: number }).graceMinutes ?? 5,
  );
