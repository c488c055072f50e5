import {
  type ApprovalFields,
  approvalFields,
  type CentcomClient,
  type CreateRequestParams,
  canonicalHash,
  type Decision,
  externalRequestId,
  isApproved,
  threadIdFor,
} from '@contro1/core';
import { getConfig, interrupt } from '@langchain/langgraph';
import { type ApprovalInterruptValue, INTERRUPT_KIND, readEnvelope } from './resume-envelope.js';

export interface ApprovalRequest extends ApprovalFields {
  /** The question the reviewer answers. */
  title: string;
  description?: string;
  toolName?: string;
  /** The exact arguments the approval is bound to. */
  toolInput?: Record<string, unknown>;
  /** Let the reviewer approve with edited arguments (returned as `editedInput`). */
  allowEdit?: boolean;
  metadata?: Record<string, unknown>;
}

export interface ApprovalOptions {
  client: CentcomClient;
  /** Where the signed webhook goes (your `createLangGraphResumeHandler` endpoint); omit to poll instead. */
  callbackUrl?: string;
  /** Case id grouping this thread's requests and execution records; defaults to one per LangGraph thread. */
  correlationId?: string;
  agentId?: string;
}

export interface ApprovalResult extends Decision {
  approved: boolean;
  /** Arguments the reviewer approved instead of the proposed ones (only with `allowEdit`). */
  editedInput?: Record<string, unknown>;
}

interface PregelScratchpad {
  interruptCounter: number;
  resume: unknown[];
}

function graphPosition() {
  const configurable = getConfig()?.configurable as Record<string, unknown> | undefined;
  const threadId = configurable?.thread_id;
  const ns = configurable?.checkpoint_ns;
  const scratchpad = configurable?.__pregel_scratchpad as PregelScratchpad | undefined;
  if (typeof threadId !== 'string' || typeof ns !== 'string' || !scratchpad) {
    throw new Error(
      'requestApproval must run inside a LangGraph node of a graph compiled with a checkpointer and invoked with a thread_id',
    );
  }
  return { threadId, ns, scratchpad, index: scratchpad.interruptCounter + 1 };
}

/** Case id of a LangGraph thread: one case per thread unless the caller chooses another. */
export const caseIdFor = (langgraphThreadId: string) => `lg:${langgraphThreadId}`.slice(0, 200);

function buildParams(
  request: ApprovalRequest,
  options: ApprovalOptions,
  pos: ReturnType<typeof graphPosition>,
  key: string,
) {
  const params: CreateRequestParams = {
    ...approvalFields(request),
    type: 'approval',
    question: request.title,
    context: {
      ...(request.description ? { summary: request.description } : {}),
      ...(request.toolName ? { tool_name: request.toolName } : {}),
      ...(request.toolInput ? { tool_input: request.toolInput } : {}),
    },
    external_request_id: key,
    correlation_id: options.correlationId ?? caseIdFor(pos.threadId),
    thread_id: threadIdFor(pos.threadId, 'lg'),
    metadata: {
      ...(request.metadata ?? {}),
      langgraph_thread_id: pos.threadId,
      langgraph_checkpoint_ns: pos.ns,
      langgraph_interrupt_index: pos.index,
      ...(request.allowEdit ? { allow_edit: true } : {}),
    },
  };
  if (options.callbackUrl) params.callback_url = options.callbackUrl;
  if (options.agentId) params.actor = { agent_id: options.agentId };
  if (request.toolName)
    params.tool_calls = [
      { name: request.toolName, input: request.toolInput ?? {}, outcome: 'pending_approval' },
    ];
  return params;
}

/**
 * Inside a node: asks a human through Contro1 and pauses the graph until the answer is in. The request key is
 * derived from the thread, the task's checkpoint namespace, the interrupt's index and a hash of the exact tool
 * arguments, so the re-run of this task on resume finds the same request, a later run of the node asks anew, and
 * changed arguments never reuse an approval. Resolves with the decision; only `approved: true` may act.
 */
export async function requestApproval(
  request: ApprovalRequest,
  options: ApprovalOptions,
): Promise<ApprovalResult> {
  const pos = graphPosition();
  const bound = canonicalHash({
    tool: request.toolName ?? null,
    input: request.toolInput ?? null,
    title: request.title,
  }).slice(0, 24);
  const key = externalRequestId('lg', pos.threadId, pos.ns, pos.index, bound);

  let interruptValue: ApprovalInterruptValue | undefined;
  // On resume LangGraph already holds the answer for this interrupt; no second request is needed.
  if (pos.scratchpad.resume.length <= pos.index) {
    const created = await options.client.createRequest(buildParams(request, options, pos, key));
    interruptValue = {
      kind: INTERRUPT_KIND,
      request_id: created.id,
      external_request_id: key,
      reviewer_url: (created.reviewer_url as string | undefined) ?? null,
      title: request.title,
      tool_name: request.toolName ?? null,
      tool_input: request.toolInput ?? null,
    };
  }
  const decision = readEnvelope(interrupt(interruptValue), key, interruptValue?.request_id);
  const result: ApprovalResult = { ...decision, approved: isApproved(decision) };
  const edited = decision.structured?.edited_input;
  if (
    request.allowEdit &&
    result.approved &&
    edited &&
    typeof edited === 'object' &&
    !Array.isArray(edited)
  ) {
    result.editedInput = edited as Record<string, unknown>;
  }
  return result;
}
