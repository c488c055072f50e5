import { type CentcomClient, type Decision, isApproved, recordExecution } from '@contro1/core';
import { type Agent, RunState } from '@openai/agents';
import type { StoredRun } from './run-state-store.js';
import { RUN_STATE_SCHEMA_VERSION } from './run-state-store.js';
import { argsHashOf, callIdOf, caseIdFor } from './submit-interruptions.js';

/** Why a paused run cannot be resumed; the run is stopped and no tool runs. */
export class ResumeRefusedError extends Error {
  readonly code = 'resume_refused';
}

/** The message the model reads for a call that may not run. */
export function rejectionMessage(decision: Decision | undefined, toolName: string): string {
  if (!decision) return `${toolName} was not run: no human decision was recorded for this call.`;
  const who = decision.decidedBy ? ` by ${decision.decidedBy}` : '';
  switch (decision.outcome) {
    case 'denied':
      return `${toolName} was rejected${who}${decision.comment ? `: ${decision.comment}` : '.'}`;
    case 'timed_out':
      return `${toolName} was not run: the approval request expired without an answer.`;
    case 'cancelled':
      return `${toolName} was not run: the approval request was cancelled.`;
    default:
      return `${toolName} was not run: the answer (${decision.outcome}) is not an approval.`;
  }
}

/**
 * Rebuilds the run and applies the stored decisions: approve exactly the calls a human approved with unchanged
 * arguments; reject everything else with a message the model sees. Refuses (throws) on a schema or app version
 * mismatch, or when the SDK will not load the state for this agent.
 */
// biome-ignore lint/suspicious/noExplicitAny: agents of any context type
export async function restoreWithDecisions(agent: Agent<any, any>, run: StoredRun, appVersion: string) {
  if (run.schemaVersion !== RUN_STATE_SCHEMA_VERSION) {
    throw new ResumeRefusedError(
      `Stored run ${run.runKey} has schema version ${run.schemaVersion}; this library reads ${RUN_STATE_SCHEMA_VERSION}.`,
    );
  }
  if (run.appVersion !== appVersion) {
    throw new ResumeRefusedError(
      `Run ${run.runKey} was paused by app version ${run.appVersion}; refusing to resume it with ${appVersion}.`,
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: the app's own context type
  let state: RunState<any, any>;
  try {
    state = await RunState.fromString(agent, run.state);
  } catch (error) {
    throw new ResumeRefusedError(
      `The agent no longer matches the paused run ${run.runKey}: ${(error as Error).message}`,
    );
  }
  const outcomes: {
    callId: string;
    toolName: string;
    requestId: string | undefined;
    decision: Decision | undefined;
    approved: boolean;
  }[] = [];
  for (const item of state.getInterruptions()) {
    const callId = callIdOf(item);
    const toolName = item.name ?? 'tool';
    const pending = run.pending.find((p) => p.callId === callId);
    const decision = pending ? run.decisions[pending.requestId] : undefined;
    const unchanged = pending !== undefined && pending.argsHash === argsHashOf(item);
    if (isApproved(decision) && unchanged) {
      state.approve(item);
      outcomes.push({ callId, toolName, requestId: pending?.requestId, decision, approved: true });
    } else {
      const message =
        isApproved(decision) && !unchanged
          ? `${toolName} was not run: its arguments changed after approval.`
          : rejectionMessage(decision, toolName);
      state.reject(item, { message });
      outcomes.push({ callId, toolName, requestId: pending?.requestId, decision, approved: false });
    }
  }
  return { state, outcomes };
}

/** Execution records for the calls of one resume: finished when the tool produced output, not_executed otherwise. */
export async function recordOutcomes(
  client: CentcomClient,
  runKey: string,
  outcomes: Awaited<ReturnType<typeof restoreWithDecisions>>['outcomes'],
  newItems: readonly { type: string; rawItem?: unknown }[],
): Promise<void> {
  for (const o of outcomes) {
    if (!o.requestId) continue;
    const output = newItems.find(
      (i) => i.type === 'tool_call_output_item' && (i.rawItem as { callId?: string }).callId === o.callId,
    );
    await recordExecution(client, {
      requestId: o.requestId,
      toolName: o.toolName,
      outcome: o.approved && output ? 'finished' : o.approved ? 'failed' : 'not_executed',
      integration: 'openai-agents',
      correlationId: caseIdFor(runKey),
      ...(o.decision ? { decision: o.decision } : {}),
    });
  }
}
