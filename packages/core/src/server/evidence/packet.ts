import { sign } from 'node:crypto';
import { chainEntries, chainRoot, signedPayload } from '../../evidence/chain.js';
import type { JsonObject } from '../../protocol/common.js';
import { EVIDENCE_CSV_COLUMNS, type EvidencePacket } from '../../protocol/evidence.js';
import { canonicalHash } from '../../signing/canonical-json.js';
import { redactCallbackUrls } from '../domain/redact.js';
import { toApiRequest } from '../domain/request-view.js';
import type { AuditRecordRow, DeliveryAttemptRecord, RequestRecord, ReviewerRecord } from '../model.js';
import type { Store } from '../store/store.js';
import { activeEvidenceKey } from './signing-keys.js';

/** One record of a packet; `record_type` says what it is. */
export type EvidenceRecord = JsonObject & { record_type: string; id: string; recorded_at: string };

function requestRecords(
  request: RequestRecord,
  reviewers: Map<string, ReviewerRecord>,
  attempts: DeliveryAttemptRecord[],
): EvidenceRecord[] {
  const view = toApiRequest(request) as unknown as JsonObject;
  const records: EvidenceRecord[] = [
    { record_type: 'request', ...view, id: request.id, recorded_at: request.created_at },
  ];
  records.push({
    record_type: 'policy',
    id: `${request.id}:policy`,
    recorded_at: request.created_at,
    request_id: request.id,
    approval_policy: (request.approval_policy as JsonObject | undefined) ?? { mode: 'single' },
    effective_policy: (request.effective_policy as JsonObject | undefined) ?? null,
    required_role: (request.required_role as string | undefined) ?? null,
    risk_level: (request.risk_level as string | undefined) ?? null,
    policy_trigger: (request.policy_trigger as string | undefined) ?? null,
    policy_context: (request.policy_context as JsonObject | undefined) ?? null,
    decision_comment_policy: (request.decision_comment_policy as string | undefined) ?? null,
    expires_at: request.expires_at,
  });
  for (const approval of (request.approval_records as JsonObject[] | undefined) ?? []) {
    const reviewer = reviewers.get(String(approval.operator_id));
    records.push({
      record_type: 'decision',
      id: `${request.id}:decision:${approval.operator_id}:${approval.created_at}`,
      recorded_at: String(approval.created_at),
      request_id: request.id,
      ...approval,
      reviewer: reviewer
        ? { id: reviewer.id, name: reviewer.name, roles: reviewer.roles, is_admin: reviewer.is_admin }
        : null,
    });
  }
  if (request.status === 'cancelled' || request.status === 'timed_out') {
    const at = request.state_history.at(-1)?.timestamp ?? request.updated_at;
    records.push({
      record_type: 'outcome',
      id: `${request.id}:outcome`,
      recorded_at: at,
      request_id: request.id,
      status: request.status,
    });
  }
  for (const attempt of attempts) {
    const { org_id: _org, claim_token: _token, ...rest } = attempt;
    records.push({
      record_type: 'delivery_attempt',
      id: `${request.id}:attempt:${attempt.attempt}`,
      recorded_at: attempt.at,
      ...rest,
    });
  }
  return records;
}

const auditEvidence = (record: AuditRecordRow): EvidenceRecord => {
  const { org_id: _org, ...rest } = record;
  return {
    record_type: 'audit_record',
    ...redactCallbackUrls(rest),
    id: record.id,
    recorded_at: record.recorded_at,
  };
};

async function signPacket(
  store: Store,
  now: number,
  kind: 'request' | 'agent',
  subject: string,
  records: EvidenceRecord[],
) {
  const ordered = [...records].sort(
    (a, b) => a.recorded_at.localeCompare(b.recorded_at) || a.id.localeCompare(b.id),
  );
  const entries = chainEntries(ordered);
  const unsigned = {
    packet_version: 1 as const,
    kind,
    subject,
    generated_at: new Date(now).toISOString(),
    records: ordered,
    chain: { alg: 'sha256' as const, entries, root: chainRoot(entries) },
  };
  const { keyId, privateKey } = await activeEvidenceKey(store, now);
  const value = sign(null, signedPayload(unsigned), privateKey).toString('base64');
  return {
    ...unsigned,
    signature: { alg: 'Ed25519' as const, key_id: keyId, value },
  } satisfies EvidencePacket;
}

/** Request, policy, reviewers' decisions, outcome, delivery attempts and audit records replying to it. */
export async function requestEvidence(
  store: Store,
  request: RequestRecord,
  now: number,
): Promise<EvidencePacket> {
  const reviewers = new Map((await store.listReviewers(request.org_id)).map((r) => [r.id, r]));
  const attempts = await store.listAttempts(request.org_id, request.id);
  const replies: AuditRecordRow[] = [];
  for (let cursor: string | undefined, more = true; more; ) {
    const page = await store.listAuditRecords(request.org_id, {}, { limit: 200, cursor });
    replies.push(
      ...page.items.filter((r) => (r.in_reply_to as { id?: string } | undefined)?.id === request.id),
    );
    cursor = page.nextCursor ?? undefined;
    more = page.nextCursor !== null;
  }
  return signPacket(store, now, 'request', request.id, [
    ...requestRecords(request, reviewers, attempts),
    ...replies.map(auditEvidence),
  ]);
}

/** An agent's requests and audit records (most recent `limit` of each). */
export async function agentEvidence(
  store: Store,
  orgId: string,
  agentId: string,
  limit: number,
  now: number,
): Promise<EvidencePacket> {
  const requests = await store.listRequests(orgId, { agent_id: agentId }, { limit });
  const audit = await store.listAuditRecords(orgId, { actor_agent_id: agentId }, { limit });
  const records: EvidenceRecord[] = [
    ...requests.items.map((r) => ({
      record_type: 'request',
      ...(toApiRequest(r) as unknown as JsonObject),
      id: r.id,
      recorded_at: r.created_at,
    })),
    ...audit.items.map(auditEvidence),
  ];
  return signPacket(store, now, 'agent', agentId, records);
}

const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** `text/csv` with the header of 14.6 and one row per record; `record_hash` is sha256 of the canonical record. */
export function packetToCsv(packet: EvidencePacket): string {
  const rows = packet.records.map((record) => {
    const r = record as EvidenceRecord;
    const actor = (r.actor as { agent_id?: string } | undefined)?.agent_id ?? r.agent_id;
    const values: Record<(typeof EVIDENCE_CSV_COLUMNS)[number], unknown> = {
      recorded_at: r.recorded_at,
      kind: r.record_type,
      id: r.id,
      action_or_question: r.action ?? r.question ?? '',
      status_or_outcome: r.status ?? r.outcome ?? r.decision ?? '',
      actor_agent_id: actor ?? '',
      decided_by: r.responded_by ?? r.operator_name_snapshot ?? '',
      trace_id: r.trace_id ?? '',
      correlation_id: r.correlation_id ?? '',
      record_hash: canonicalHash(record),
    };
    return EVIDENCE_CSV_COLUMNS.map((c) => csvCell(values[c])).join(',');
  });
  return `${[EVIDENCE_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
