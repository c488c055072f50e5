import { type CentcomRequest, type Decision, isTerminalState, parseDecision } from '@contro1/core';

/** What the model needs to know about a request, whatever its state. */
export function summarise(request: CentcomRequest) {
  const decision: Decision | undefined = isTerminalState(request.state) ? parseDecision(request) : undefined;
  return {
    request_id: request.id,
    status: decision?.outcome ?? request.status ?? 'pending',
    state: request.state,
    final: decision !== undefined,
    approved: decision?.outcome === 'approved',
    comment: decision?.comment ?? null,
    decided_by: decision?.decidedBy ?? null,
    decided_at: decision?.decidedAt ?? null,
    reviewer_url: (request.reviewer_url as string | undefined) ?? null,
    expires_at: request.expires_at ?? null,
    question: request.question,
  };
}

export type RequestSummary = ReturnType<typeof summarise>;
