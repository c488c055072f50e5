import type { Decision } from '@contro1/core';

/** Marks an interrupt value as a Contro1 approval so resumers can find it in graph state. */
export const INTERRUPT_KIND = 'contro1_approval';

/** What `requestApproval` passes to `interrupt()`; visible in `getState().tasks[i].interrupts[j].value`. */
export interface ApprovalInterruptValue {
  kind: typeof INTERRUPT_KIND;
  request_id: string;
  external_request_id: string;
  reviewer_url: string | null;
  title: string;
  tool_name: string | null;
  tool_input: Record<string, unknown> | null;
}

/** The resume value: an object keyed to one request, never a bare boolean. */
export interface ResumeEnvelope {
  kind: typeof INTERRUPT_KIND;
  request_id: string;
  external_request_id: string;
  decision: Decision;
}

export function isApprovalInterrupt(value: unknown): value is ApprovalInterruptValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === INTERRUPT_KIND &&
    typeof (value as { request_id?: unknown }).request_id === 'string'
  );
}

export function envelopeFor(interrupt: ApprovalInterruptValue, decision: Decision): ResumeEnvelope {
  return {
    kind: INTERRUPT_KIND,
    request_id: interrupt.request_id,
    external_request_id: interrupt.external_request_id,
    decision,
  };
}

/**
 * Reads a resume value for the request keyed `externalRequestId`. Anything else (a bare boolean, another request's
 * decision, an unknown shape) fails closed as a denial that says why.
 */
export function readEnvelope(
  value: unknown,
  externalRequestId: string,
  requestId: string | undefined,
): Decision {
  const envelope = value as Partial<ResumeEnvelope> | null;
  const deny = (why: string): Decision => ({
    requestId: requestId ?? envelope?.request_id ?? 'unknown',
    outcome: 'denied',
    comment: why,
  });
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    envelope.kind !== INTERRUPT_KIND ||
    !envelope.decision
  ) {
    return deny('The graph was resumed without a Contro1 decision; not approved.');
  }
  if (envelope.external_request_id !== externalRequestId) {
    return deny('The decision belongs to a different request (the tool arguments changed); not approved.');
  }
  return envelope.decision;
}
