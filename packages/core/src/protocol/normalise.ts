import type { DecisionContext, JsonObject } from './common.js';
import type { InteractionType, LegacyPriority } from './enums.js';
import type { CreateRequestParams } from './legacy-request.js';
import type { Contro1Request } from './protocol-request.js';

const TYPE_BY_REQUEST_TYPE: Record<Contro1Request['request_type'], InteractionType> = {
  approval: 'approval',
  review: 'approval',
  input: 'free_text',
  decision: 'yes_no',
};

function contextText(request: Contro1Request): string {
  const c = request.context;
  const parts = [
    request.description?.trim(),
    c?.summary && `Summary: ${c.summary}`,
    c?.tool_name && `Tool: ${c.tool_name}`,
    c?.action_type && `Action: ${c.action_type}`,
    c?.resource && `Resource: ${c.resource}`,
    c?.environment && `Environment: ${c.environment}`,
    c?.tool_input !== undefined ? `Tool input: ${JSON.stringify(c.tool_input)}` : undefined,
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.join('\n').trim() || request.title;
}

function present<T extends object>(entries: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}

/**
 * The protocol → legacy mapping of section 3b. The result carries `idempotency_key`
 * (`external_request_id || correlation_id || source.run_id`) for the client to move into the header.
 */
export function toLegacyCreateRequestParams(request: Contro1Request): CreateRequestParams {
  const decisionContext: DecisionContext = {
    ...(request.decision_context ?? {}),
    ...present({
      risk_level: request.risk_level,
      policy_trigger: request.policy_trigger,
      policy_context: request.policy_context,
      approval_comment_required: request.approval_comment_required,
      approval_requirements: request.approval_requirements,
    }),
  };
  const metadata: JsonObject = {
    ...(request.metadata ?? {}),
    protocol_version: 'integration-v1',
    ...present({
      request_type: request.request_type,
      source: request.source,
      routing: request.routing,
      actor: request.actor,
      context: request.context,
      continuation: request.continuation,
      decision_context: Object.keys(decisionContext).length > 0 ? decisionContext : undefined,
      risk_level: request.risk_level,
      policy_trigger: request.policy_trigger,
      policy_context: request.policy_context,
      approval_comment_required: request.approval_comment_required,
      approval_requirements: request.approval_requirements,
      correlation_id: request.correlation_id,
      external_request_id: request.external_request_id,
      thread_id: request.thread_id,
      in_reply_to: request.in_reply_to,
      tool_calls: request.tool_calls,
      sub_agents: request.sub_agents,
      retrieved_context: request.retrieved_context,
    }),
  };
  const priority: LegacyPriority =
    request.routing?.priority === 'high' || request.routing?.priority === 'urgent' ? 'urgent' : 'normal';
  const params = {
    type: TYPE_BY_REQUEST_TYPE[request.request_type],
    question: request.title,
    context: contextText(request),
    priority,
    metadata,
    ...present({
      callback_url: request.continuation.callback_url || request.continuation.webhook_url || undefined,
      required_role: request.routing?.required_role,
      sla_minutes: request.routing?.sla_minutes,
      approval_policy: request.approval_policy,
      risk_level: request.risk_level,
      policy_trigger: request.policy_trigger,
      policy_context: request.policy_context,
      approval_comment_required: request.approval_comment_required,
      approval_requirements: request.approval_requirements,
      decision_context: request.decision_context,
      external_request_id: request.external_request_id,
      correlation_id: request.correlation_id,
      thread_id: request.thread_id,
      in_reply_to: request.in_reply_to,
      trace_id: request.trace_id,
      parent_trace_id: request.parent_trace_id,
      tool_calls: request.tool_calls,
      sub_agents: request.sub_agents,
      retrieved_context: request.retrieved_context,
      actor: request.actor,
      idempotency_key:
        request.external_request_id || request.correlation_id || request.source.run_id || undefined,
    }),
  };
  return params as CreateRequestParams;
}
