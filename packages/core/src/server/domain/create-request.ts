import type { JsonObject } from '../../protocol/common.js';
import { formatIssues } from '../../protocol/common.js';
import type { DecisionCommentPolicy } from '../../protocol/enums.js';
import { type CreateRequestParams, createRequestParamsSchema } from '../../protocol/legacy-request.js';
import { toLegacyCreateRequestParams } from '../../protocol/normalise.js';
import { contro1RequestSchema, isProtocolRequest } from '../../protocol/protocol-request.js';
import { canonicalHash } from '../../signing/canonical-json.js';
import { HttpError } from '../http/http-error.js';
import type { ApiKeyRecord, OrgRecord, RequestRecord } from '../model.js';
import { effectivePolicy } from './policy.js';

export interface CreateContext {
  org: OrgRecord;
  apiKey: ApiKeyRecord;
  idempotencyKeyHeader: string | undefined;
  now: number;
  newId: () => string;
  publicUrl: string;
  defaultSlaMinutes: { normal: number; urgent: number };
}

const FINGERPRINT_FIELDS = [
  'type',
  'question',
  'context',
  'required_role',
  'approval_policy',
  'risk_level',
  'policy_trigger',
  'policy_context',
  'approval_comment_required',
  'response_schema',
] as const;

/** SHA-256 over RFC 8785 JSON of the fields an approval is bound to (14.2). */
export function requestFingerprint(params: Record<string, unknown>): string {
  const bound: Record<string, unknown> = {};
  for (const field of FINGERPRINT_FIELDS) if (params[field] !== undefined) bound[field] = params[field];
  return canonicalHash(bound);
}

function parseBody(body: unknown): {
  params: CreateRequestParams;
  expiresAt?: string;
  protocol?: JsonObject;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('invalid_request', 'Request body must be a JSON object');
  }
  if (isProtocolRequest(body)) {
    const parsed = contro1RequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError('invalid_request', `Invalid Contro1Request: ${formatIssues(parsed.error.issues)}`);
    }
    const params = toLegacyCreateRequestParams(parsed.data);
    delete params.idempotency_key;
    const result: { params: CreateRequestParams; expiresAt?: string; protocol: JsonObject } = {
      params,
      protocol: parsed.data as JsonObject,
    };
    if (parsed.data.continuation.expires_at) result.expiresAt = parsed.data.continuation.expires_at;
    return result;
  }
  const parsed = createRequestParamsSchema.safeParse(body);
  if (!parsed.success)
    throw new HttpError('invalid_request', `Invalid request: ${formatIssues(parsed.error.issues)}`);
  const { idempotency_key: _ignored, ...params } = parsed.data;
  return { params };
}

function checkCallbackUrl(url: string | undefined): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError('invalid_request', 'callback_url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HttpError('invalid_request', 'callback_url must be an absolute http(s) URL');
  }
  if (parsed.username || parsed.password) {
    throw new HttpError(
      'invalid_request',
      'callback_url must not carry credentials; sign with the webhook secret instead',
    );
  }
}

/** A legacy `Idempotency-Key` equal to the case id or run id groups many requests, so it is not a dedupe key (14.2). */
function dedupeKey(
  params: CreateRequestParams,
  header: string | undefined,
  protocol: JsonObject | undefined,
) {
  if (params.external_request_id) return params.external_request_id;
  if (!header) return null;
  const runId = (protocol?.source as { run_id?: string } | undefined)?.run_id;
  if (header === params.correlation_id || header === runId) return null;
  return header;
}

/** Validates and normalises either create shape into one stored record (14.1). */
export function buildRequestRecord(body: unknown, ctx: CreateContext): RequestRecord {
  const { params, expiresAt, protocol } = parseBody(body);
  checkCallbackUrl(params.callback_url);
  const priority = params.priority ?? 'normal';
  const sla = params.sla_minutes ?? ctx.defaultSlaMinutes[priority];
  const expires = expiresAt ? Date.parse(expiresAt) : ctx.now + sla * 60_000;
  if (expires <= ctx.now) throw new HttpError('invalid_request', 'expires_at must be in the future');

  const metadata = (params.metadata ?? {}) as JsonObject;
  const metadataActor = metadata.actor as { agent_id?: unknown } | undefined;
  const agentId =
    params.actor?.agent_id ??
    (typeof metadataActor?.agent_id === 'string' ? metadataActor.agent_id : undefined) ??
    ctx.apiKey.agent_id;
  const policy = effectivePolicy(params as JsonObject, ctx.org.policy_rules ?? []);
  const commentPolicy: DecisionCommentPolicy = policy.comment_required
    ? 'always'
    : ctx.org.decision_comment_policy;
  const id = ctx.newId();
  const now = new Date(ctx.now).toISOString();

  // Object.assign rather than `{ ...params, id, … }`: V8 defines every literal property that follows a spread through
  // the runtime (~1 µs each), which was a quarter of the create path's CPU. Same result, same key order.
  const record: RequestRecord = Object.assign({}, params as JsonObject, {
    id,
    org_id: ctx.org.id,
    dedupe_key: dedupeKey(params, ctx.idempotencyKeyHeader, protocol),
    fingerprint: requestFingerprint(params as Record<string, unknown>),
    claimed_by: null,
    owner_reviewer_id: ctx.apiKey.owner_reviewer_id,
    effective_policy: policy as unknown as JsonObject,
    state: 'queued',
    status: 'pending',
    callback_state: 'none',
    type: params.type,
    question: params.question,
    context: params.context as string | JsonObject,
    priority,
    sla_minutes: sla,
    callback_url: params.callback_url ?? null,
    metadata,
    agent_id: agentId ?? null,
    approval_records: [],
    response: null,
    responded_by: null,
    responded_at: null,
    protocol_response: null,
    decision_comment_policy: commentPolicy,
    reviewer_url: `${ctx.publicUrl}/console/requests/${id}`,
    state_history: [
      { state: 'created', timestamp: now, actor: ctx.apiKey.id },
      { state: 'queued', timestamp: now, actor: 'system' },
    ],
    created_at: now,
    updated_at: now,
    expires_at: new Date(expires).toISOString(),
  } satisfies RequestRecord);
  if (protocol) record.protocol_request = protocol;
  return record;
}
