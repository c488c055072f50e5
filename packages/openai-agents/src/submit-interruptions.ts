import {
  approvalFields,
  type CentcomClient,
  type CreateRequestParams,
  externalRequestId,
  sha256Hex,
} from '@contro1/core';
import type { Agent, RunState, RunToolApprovalItem } from '@openai/agents';
import { guardPolicyOf } from './guard-tool.js';
import { type PendingCall, RUN_STATE_SCHEMA_VERSION, type RunStateStore } from './run-state-store.js';

/** What `run()` returns, streamed or not, reduced to what pausing needs. */
export interface PausedResult {
  interruptions: RunToolApprovalItem[];
  // biome-ignore lint/suspicious/noExplicitAny: RunState is generic over the app's own context and agent types
  state: RunState<any, any>;
}

export interface SubmitOptions {
  client: CentcomClient;
  store: RunStateStore;
  /** Identifies the run across processes; keys every request (`oa:<runKey>:<callId>`). */
  runKey: string;
  /** Your application's version: a resume by a different version stops instead of guessing. */
  appVersion: string;
  callbackUrl?: string;
  agentId?: string;
  correlationId?: string;
}

export interface PendingApproval {
  requestId: string;
  callId: string;
  toolName: string;
  reviewerUrl: string | null;
}

export const callIdOf = (item: RunToolApprovalItem) =>
  String(
    (item.rawItem as { callId?: string; id?: string }).callId ?? (item.rawItem as { id?: string }).id ?? '',
  );
export const argsHashOf = (item: RunToolApprovalItem) => sha256Hex(item.arguments ?? '');
export const caseIdFor = (runKey: string) => `oa:${runKey}`.slice(0, 200);

// biome-ignore lint/suspicious/noExplicitAny: agents of any context type
function findTool(agent: Agent<any, any>, name: string): unknown {
  return (agent.tools as { name?: string }[]).find((t) => t.name === name);
}

function parseArgs(raw: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(raw ?? '{}') as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { raw };
  }
}

/**
 * Turns every `tool_approval_item` of a paused run into one Contro1 request (key: run key + call id; context: tool
 * name and the exact arguments) and stores the serialized state with the request ids, the schema version and the
 * app version. Safe to call again for the same pause: the same requests come back.
 */
export async function submitInterruptions(
  result: PausedResult,
  options: SubmitOptions,
): Promise<PendingApproval[]> {
  const pending: PendingCall[] = [];
  const answer: PendingApproval[] = [];
  for (const item of result.interruptions) {
    const toolName = item.name ?? 'tool';
    const callId = callIdOf(item);
    const args = parseArgs(item.arguments);
    const fields = guardPolicyOf(findTool(item.agent, toolName))?.request?.(args) ?? {};
    const params: CreateRequestParams = {
      ...approvalFields(fields),
      type: 'approval',
      question: fields.title ?? `Allow ${toolName}?`,
      context: {
        tool_name: toolName,
        tool_input: args,
        ...(fields.description ? { summary: fields.description } : {}),
      },
      external_request_id: externalRequestId('oa', options.runKey, callId),
      correlation_id: options.correlationId ?? caseIdFor(options.runKey),
      metadata: {
        openai_agents_run_key: options.runKey,
        call_id: callId,
        tool_name: toolName,
        agent_name: item.agent.name,
      },
      tool_calls: [{ name: toolName, input: args, outcome: 'pending_approval' }],
    };
    if (options.callbackUrl) params.callback_url = options.callbackUrl;
    if (options.agentId) params.actor = { agent_id: options.agentId };
    const created = await options.client.createRequest(params);
    pending.push({
      requestId: created.id,
      callId,
      toolName,
      agentName: item.agent.name,
      argsHash: argsHashOf(item),
    });
    answer.push({
      requestId: created.id,
      callId,
      toolName,
      reviewerUrl: (created.reviewer_url as string | undefined) ?? null,
    });
  }
  await options.store.save({
    runKey: options.runKey,
    schemaVersion: RUN_STATE_SCHEMA_VERSION,
    appVersion: options.appVersion,
    state: result.state.toString(),
    pending,
    decisions: {},
    status: 'waiting',
    updatedAt: new Date().toISOString(),
  });
  return answer;
}
