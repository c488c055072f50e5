import type { JsonObject } from './common.js';
import type { Contro1Status } from './enums.js';
import { isAnsweredState, normaliseStatus, responseMessage } from './status.js';

/** One normalised answer, whatever shape the server sent it in. */
export interface Decision {
  requestId: string;
  outcome: Contro1Status;
  comment?: string;
  structured?: JsonObject;
  decidedBy?: string;
  decidedAt?: string;
}

const asRecord = (v: unknown): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function explicitDenial(response: JsonObject | undefined): boolean {
  return response?.approved === false || response?.value === false;
}

function outcomeOf(payload: JsonObject, protocol: JsonObject | undefined): Contro1Status | undefined {
  const response = asRecord(payload.response);
  const statusField = payload.status ?? protocol?.status;
  const status = normaliseStatus(statusField);
  const state = payload.state;
  if (state === 'cancelled') return 'cancelled';
  if (state === 'expired') return 'timed_out';
  if (typeof state === 'string' && !isAnsweredState(state)) return undefined;
  if (state === undefined && status === undefined) return undefined;
  if (status === 'approved') return explicitDenial(response) ? 'denied' : 'approved';
  if (status) return status;
  if (typeof statusField === 'string' && statusField !== 'pending' && statusField !== 'in_review')
    return 'denied';
  if (typeof response?.approved === 'boolean') return response.approved ? 'approved' : 'denied';
  if (typeof response?.value === 'boolean') return response.value ? 'approved' : 'denied';
  if (state === undefined) return undefined;
  return payload.type === 'free_text' ? 'provided_input' : 'resolved';
}

/**
 * Reads a `Decision` from a webhook payload (legacy, protocol or both), a request object or a
 * `Contro1Response`. Returns `undefined` while the request is still open or when nothing identifies it.
 * An unrecognised status on an answered request is read as `denied`: only an explicit approval approves.
 */
export function parseDecision(input: unknown): Decision | undefined {
  const payload = asRecord(input);
  if (!payload) return undefined;
  const protocol = asRecord(payload.protocol_response);
  const requestId =
    str(payload.request_id) ?? str(payload.id) ?? str(payload._id) ?? str(protocol?.request_id);
  if (!requestId) return undefined;
  const outcome = outcomeOf(payload, protocol);
  if (!outcome) return undefined;

  const response = asRecord(payload.response);
  const structured =
    asRecord(payload.structured_response) ?? asRecord(protocol?.structured_response) ?? response;
  const operator = asRecord(response?.operator) ?? asRecord(protocol?.operator) ?? asRecord(payload.operator);
  const decision: Decision = { requestId, outcome };
  const comment = str(payload.message) ?? responseMessage(response) ?? str(protocol?.message);
  const decidedBy = str(payload.responded_by) ?? str(operator?.name) ?? str(operator?.id);
  const decidedAt = str(payload.responded_at) ?? str(protocol?.resolved_at) ?? str(payload.resolved_at);
  if (comment !== undefined) decision.comment = comment;
  if (structured) decision.structured = structured;
  if (decidedBy) decision.decidedBy = decidedBy;
  if (decidedAt) decision.decidedAt = decidedAt;
  return decision;
}

/** True only for an explicit approval; every other outcome, and no decision at all, fails closed. */
export function isApproved(decision: Decision | null | undefined): boolean {
  return decision?.outcome === 'approved';
}
