import type { JsonObject } from '../../protocol/common.js';
import type { RequestRecord } from '../model.js';

/** `evt_<request id>_<status>`: one per request and final outcome, the same on every retry (14.4). */
export const eventIdFor = (record: RequestRecord) => `evt_${record.id}_${record.status}`;

const WEBHOOK_STATE: Record<string, string> = { cancelled: 'cancelled', expired: 'expired' };

/** The webhook body of section 9: legacy core, policy echo, protocol fields, `protocol_response`, `event_id`. */
export function buildWebhookBody(record: RequestRecord): string {
  const response = (record.response ?? null) as JsonObject | null;
  const protocol = (record.protocol_response ?? null) as JsonObject | null;
  const body: JsonObject = {
    event_id: eventIdFor(record),
    request_id: record.id,
    state: WEBHOOK_STATE[record.state] ?? 'answered',
    status: record.status,
  };
  if (protocol?.decision_type) body.decision_type = protocol.decision_type;
  Object.assign(body, {
    message: protocol?.message ?? null,
    response,
    structured_response: response,
    responded_by: record.responded_by ?? null,
    responded_at: record.responded_at ?? null,
    metadata: record.metadata ?? {},
  });
  for (const key of [
    'risk_level',
    'policy_trigger',
    'policy_context',
    'approval_comment_required',
    'decision_context',
  ]) {
    if (record[key] !== undefined && record[key] !== null) body[key] = record[key];
  }
  body.protocol_response = protocol;
  return JSON.stringify(body);
}
