import { recordExecution } from '@contro1/core';
import type { RunnableConfig } from '@langchain/core/runnables';
import { type StructuredToolInterface, tool } from '@langchain/core/tools';
import {
  type ApprovalOptions,
  type ApprovalRequest,
  caseIdFor,
  requestApproval,
} from './request-approval.js';

export interface ToolApprovalOptions extends ApprovalOptions {
  /** Request fields per call (title, risk, role…); the tool name and exact arguments are always included. */
  describe?: (args: Record<string, unknown>) => Partial<ApprovalRequest>;
}

const notExecuted = (name: string, outcome: string, comment?: string) =>
  `The ${name} call was not executed: ${outcome}${comment ? ` (${comment})` : ''}.`;

/**
 * Wraps a tool (for `ToolNode` or an agent) so every call waits for a Contro1 approval bound to its exact
 * arguments. Approved calls run once (with the reviewer's edited arguments when allowed); anything else returns a
 * message the model can read instead of running. Each outcome is recorded as an execution record in the case.
 */
export function withApproval<T extends StructuredToolInterface>(inner: T, options: ToolApprovalOptions) {
  return tool(
    async (args: Record<string, unknown>, config?: RunnableConfig) => {
      const approval = await requestApproval(
        { title: `Allow ${inner.name}?`, ...options.describe?.(args), toolName: inner.name, toolInput: args },
        options,
      );
      const threadId = String(config?.configurable?.thread_id ?? '');
      const base = {
        requestId: approval.requestId,
        toolName: inner.name,
        integration: 'langgraph',
        decision: approval,
        correlationId: options.correlationId ?? caseIdFor(threadId),
        ...(options.agentId ? { agentId: options.agentId } : {}),
      };
      if (!approval.approved) {
        await recordExecution(options.client, { ...base, outcome: 'not_executed' });
        return notExecuted(inner.name, approval.outcome, approval.comment);
      }
      const started = Date.now();
      try {
        const output = await inner.invoke(approval.editedInput ?? args, config);
        await recordExecution(options.client, {
          ...base,
          outcome: 'finished',
          durationMs: Date.now() - started,
        });
        return output;
      } catch (error) {
        await recordExecution(options.client, {
          ...base,
          outcome: 'failed',
          durationMs: Date.now() - started,
          error: (error as Error).message ?? String(error),
        });
        throw error;
      }
    },
    { name: inner.name, description: inner.description, schema: inner.schema as never },
  );
}
