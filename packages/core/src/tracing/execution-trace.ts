import type { CentcomClient } from '../client/centcom-client.js';
import { externalRequestId } from '../client/ids.js';
import type { AuditRecord, AuditRecordCreateParams } from '../protocol/audit-record.js';
import { type Decision, isApproved } from '../protocol/decision.js';

export type ExecutionOutcome = 'finished' | 'failed' | 'not_executed';

export interface ExecutionRecordInput {
  requestId: string;
  toolName: string;
  outcome: ExecutionOutcome;
  /** `source.integration`, e.g. "langgraph". */
  integration: string;
  summary?: string;
  decision?: Decision;
  error?: string;
  outputSummary?: string;
  durationMs?: number;
  correlationId?: string;
  threadId?: string;
  traceId?: string;
  agentId?: string;
  metadata?: Record<string, unknown>;
}

const SAFE_TOOL = /[^A-Za-z0-9_-]/g;

/**
 * Records what happened after a decision as `tool.<name>.finished|failed|not_executed` with
 * `in_reply_to: {type:"request", id}` (14.5). The `external_request_id` is derived from the request and the
 * outcome, so a retried report is stored once.
 */
export function recordExecution(
  client: Pick<CentcomClient, 'logAction'>,
  input: ExecutionRecordInput,
): Promise<AuditRecord> {
  const tool = input.toolName.replace(SAFE_TOOL, '_').slice(0, 100) || 'action';
  const outcome =
    input.outcome === 'finished' ? 'success' : input.outcome === 'failed' ? 'failure' : 'denied';
  const params: AuditRecordCreateParams = {
    action: `tool.${tool}.${input.outcome}`,
    summary: (
      input.summary ??
      (input.outcome === 'not_executed'
        ? `${input.toolName} was not executed (${input.decision?.outcome ?? 'no approval'})`
        : `${input.toolName} ${input.outcome} after approval`)
    ).slice(0, 2000),
    source: { integration: input.integration },
    outcome,
    severity: input.outcome === 'failed' ? 'warning' : 'info',
    in_reply_to: { type: 'request', id: input.requestId },
    external_request_id: externalRequestId('exec', input.requestId, input.outcome),
    tool_calls: [
      {
        name: input.toolName.slice(0, 200),
        outcome: input.outcome === 'finished' ? 'success' : 'failure',
        ...(input.outputSummary ? { output_summary: input.outputSummary.slice(0, 2000) } : {}),
        ...(input.error ? { error: input.error } : {}),
      },
    ],
    metadata: {
      ...(input.metadata ?? {}),
      ...(input.decision ? { decision_outcome: input.decision.outcome } : {}),
      ...(input.durationMs !== undefined ? { duration_ms: input.durationMs } : {}),
    },
  };
  if (input.correlationId) params.correlation_id = input.correlationId;
  if (input.threadId) params.thread_id = input.threadId;
  if (input.traceId) params.trace_id = input.traceId;
  if (input.agentId) params.actor = { agent_id: input.agentId };
  return client.logAction(params);
}

export type GuardedResult<T> = { executed: true; value: T } | { executed: false; decision: Decision };

/**
 * Runs `action` only for an explicit approval and records the execution either way. A failing action is
 * recorded as `failed` and rethrown; any other outcome is recorded as `not_executed`.
 */
export async function runIfApproved<T>(
  client: Pick<CentcomClient, 'logAction'>,
  decision: Decision,
  base: Omit<ExecutionRecordInput, 'requestId' | 'outcome' | 'decision'>,
  action: () => Promise<T> | T,
  clock: () => number = Date.now,
): Promise<GuardedResult<T>> {
  const common = { ...base, requestId: decision.requestId, decision };
  if (!isApproved(decision)) {
    await recordExecution(client, { ...common, outcome: 'not_executed' });
    return { executed: false, decision };
  }
  const started = clock();
  try {
    const value = await action();
    await recordExecution(client, { ...common, outcome: 'finished', durationMs: clock() - started });
    return { executed: true, value };
  } catch (error) {
    await recordExecution(client, {
      ...common,
      outcome: 'failed',
      durationMs: clock() - started,
      error: (error as Error).message?.slice(0, 2000) ?? String(error),
    });
    throw error;
  }
}
