import type { ApprovalRequest, ApprovalResult } from './request-approval.js';

/** Agent Inbox `HumanInterrupt` (as in `@langchain/langgraph/prebuilt`). */
export interface HumanInterrupt {
  action_request: { action: string; args: Record<string, unknown> };
  config: { allow_ignore: boolean; allow_respond: boolean; allow_edit: boolean; allow_accept: boolean };
  description?: string;
}

/** Agent Inbox `HumanResponse`. */
export type HumanResponse =
  | { type: 'accept'; args: null }
  | { type: 'edit'; args: { action: string; args: Record<string, unknown> } }
  | { type: 'response'; args: string }
  | { type: 'ignore'; args: null };

/** LangChain v1 `humanInTheLoopMiddleware` decisions. */
export type HitlDecision =
  | { type: 'approve' }
  | { type: 'edit'; editedAction: { name: string; args: Record<string, unknown> } }
  | { type: 'reject'; message?: string };

/** The request for an Agent Inbox interrupt: its action becomes the tool, its args the bound input. */
export function fromHumanInterrupt(interrupt: HumanInterrupt): ApprovalRequest {
  return {
    title: interrupt.description ?? `Allow ${interrupt.action_request.action}?`,
    toolName: interrupt.action_request.action,
    toolInput: interrupt.action_request.args,
    allowEdit: interrupt.config.allow_edit,
  };
}

/** Approval → `accept` (or `edit`), denial → `response` with the comment, timeout or cancel → `ignore`. */
export function toHumanResponse(result: ApprovalResult, action: string): HumanResponse {
  if (result.approved) {
    return result.editedInput
      ? { type: 'edit', args: { action, args: result.editedInput } }
      : { type: 'accept', args: null };
  }
  if (result.outcome === 'denied')
    return { type: 'response', args: result.comment ?? 'Rejected by the reviewer.' };
  return { type: 'ignore', args: null };
}

/**
 * One middleware decision per result, in the order of the action requests. Everything but an explicit approval
 * is a `reject` whose message tells the model why.
 */
export function toHitlDecisions(results: readonly { result: ApprovalResult; toolName: string }[]): {
  decisions: HitlDecision[];
} {
  return {
    decisions: results.map(({ result, toolName }) => {
      if (result.approved) {
        return result.editedInput
          ? { type: 'edit', editedAction: { name: toolName, args: result.editedInput } }
          : { type: 'approve' };
      }
      const why = result.outcome === 'denied' ? 'rejected by the reviewer' : result.outcome.replace('_', ' ');
      return {
        type: 'reject',
        message: `Not approved (${why})${result.comment ? `: ${result.comment}` : '.'}`,
      };
    }),
  };
}
