import type { JsonObject } from './common.js';
import {
  ANSWERED_STATES,
  CONTRO1_DECISION_TYPES,
  CONTRO1_STATUSES,
  type Contro1Status,
  type DecisionType,
  TERMINAL_STATES,
} from './enums.js';
import type { CentcomRequest, Contro1Response, OperatorRef } from './request-object.js';

type LegacyLike = Pick<CentcomRequest, 'id' | 'state' | 'type' | 'created_at'> &
  Partial<Pick<CentcomRequest, 'response' | 'responded_by' | 'responded_at' | 'metadata'>>;

const asRecord = (v: unknown): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;

const nonBlank = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

export function isAnsweredState(state: unknown): boolean {
  return typeof state === 'string' && (ANSWERED_STATES as readonly string[]).includes(state);
}

export function isTerminalState(state: unknown): boolean {
  return typeof state === 'string' && (TERMINAL_STATES as readonly string[]).includes(state);
}

export function isContro1Status(value: unknown): value is Contro1Status {
  return typeof value === 'string' && (CONTRO1_STATUSES as readonly string[]).includes(value);
}

/** Maps the status spellings clients tolerate (CLI `classifyDecision`) onto `Contro1Status`. */
export function normaliseStatus(value: unknown): Contro1Status | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (isContro1Status(v)) return v;
  if (['approve', 'yes', 'allow'].includes(v)) return 'approved';
  if (['rejected', 'reject', 'deny', 'no', 'block'].includes(v)) return 'denied';
  if (v === 'canceled') return 'cancelled';
  if (v === 'expired' || v === 'timeout') return 'timed_out';
  return undefined;
}

/** Status inference of section 4c, in order, following SDK-PY where the SDKs diverge (it fails closed). */
export function inferStatus(request: LegacyLike): Contro1Status {
  if (request.state === 'cancelled') return 'cancelled';
  if (request.state === 'expired') return 'timed_out';
  const response = asRecord(request.response);
  if (typeof response?.approved === 'boolean') return response.approved ? 'approved' : 'denied';
  if (typeof response?.value === 'boolean') return response.value ? 'approved' : 'denied';
  if (request.state === 'answered') return request.type === 'free_text' ? 'provided_input' : 'resolved';
  return 'timed_out';
}

export function responseMessage(response: JsonObject | undefined): string | undefined {
  if (!response) return undefined;
  return (
    nonBlank(response.message) ??
    nonBlank(response.comment) ??
    nonBlank(response.reason) ??
    nonBlank(response.value)
  );
}

function decisionTypeOf(request: LegacyLike, response: JsonObject | undefined): DecisionType | undefined {
  const given = response?.decision_type;
  if (typeof given === 'string' && (CONTRO1_DECISION_TYPES as readonly string[]).includes(given)) {
    return given as DecisionType;
  }
  if (request.type === 'approval' && typeof response?.approved === 'boolean') {
    return response.approved ? 'approve' : 'reject';
  }
  return response ? 'respond' : undefined;
}

/** Builds a `Contro1Response` from a legacy request object (`fromLegacyRequest` / `from_legacy_request`). */
export function fromLegacyRequest(request: LegacyLike): Contro1Response {
  const response = asRecord(request.response);
  const metadata = asRecord(request.metadata);
  const operatorSource = asRecord(response?.operator) ?? asRecord(metadata?.operator);
  let operator: OperatorRef | undefined;
  if (operatorSource) {
    operator = {};
    for (const key of ['id', 'name', 'department'] as const) {
      const value = operatorSource[key];
      if (typeof value === 'string') operator[key] = value;
    }
    if (!operator.name && request.responded_by) operator.name = request.responded_by;
  } else if (request.responded_by) {
    operator = { name: request.responded_by };
  }
  const result: Contro1Response = {
    request_id: request.id,
    status: inferStatus(request),
    resolved_at: request.responded_at || request.created_at,
  };
  const message = responseMessage(response);
  const decisionType = decisionTypeOf(request, response);
  if (operator) result.operator = operator;
  if (message !== undefined) result.message = message;
  if (response) result.structured_response = response;
  if (decisionType) result.decision_type = decisionType;
  return result;
}
