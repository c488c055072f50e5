import type { ListAuditRecordsParams } from '../../protocol/audit-record.js';
import type {
  AgentRecord,
  ApiKeyRecord,
  AuditRecordRow,
  ConsoleCredential,
  DeliveryAttemptRecord,
  DeliveryRecord,
  EvidenceKeyRecord,
  NewDelivery,
  OrgRecord,
  RequestRecord,
  ReviewerRecord,
} from '../model.js';

export interface Page {
  limit: number;
  /** Opaque position from a previous page's `nextCursor`. */
  cursor?: string | undefined;
}

export interface PageResult<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RequestFilter {
  state?: string[];
  callback_state?: string;
  decided_since?: number;
  thread_id?: string;
  agent_id?: string;
  correlation_id?: string;
  trace_id?: string;
  open?: boolean;
}

export type TimelineKey = 'thread_id' | 'correlation_id' | 'trace_id' | 'agent_id';

export type TimelineEntry =
  | { kind: 'request'; record: RequestRecord }
  | { kind: 'audit_record'; record: AuditRecordRow };

/** The list filters of `GET /audit-records` (section 7) with times as milliseconds. */
export type AuditFilter = Omit<ListAuditRecordsParams, 'from' | 'to' | 'cursor' | 'limit'> & {
  from?: number;
  to?: number;
};

/**
 * What a request mutation decides inside the store's transaction: the new record (or none to leave it), an
 * outbox row to write in the same transaction, and the value handed back to the caller.
 */
export interface Mutation<T> {
  next?: RequestRecord;
  delivery?: NewDelivery;
  /** Re-queue the existing delivery of this request (redeliver). */
  requeueDelivery?: { at: number };
  result: T;
}

export interface AttemptResult {
  attempt: DeliveryAttemptRecord;
  status: 'delivered' | 'failed' | 'pending';
  nextAttemptAt: number | null;
  /** New `state` for the request (callback_delivered / callback_failed) when it is still in an answered state. */
  requestState?: string;
  callbackState: 'pending' | 'delivered' | 'failed';
  at: string;
}

/**
 * Storage behind the reference server. Every method is scoped by organisation where data is tenant-owned.
 * Implementations guarantee: unique (org, dedupe key) for requests and audit records; `mutateRequest` runs its
 * function and writes its result atomically and serialised per request; a delivery is held by one lease at a time.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;

  createOrg(org: OrgRecord): Promise<void>;
  getOrg(id: string): Promise<OrgRecord | undefined>;
  updateOrg(org: OrgRecord): Promise<void>;
  listOrgs(): Promise<OrgRecord[]>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(orgId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(orgId: string, id: string, at: string): Promise<boolean>;

  createReviewer(reviewer: ReviewerRecord): Promise<void>;
  findReviewerByTokenHash(hash: string): Promise<ReviewerRecord | undefined>;
  getReviewer(orgId: string, id: string): Promise<ReviewerRecord | undefined>;
  listReviewers(orgId: string): Promise<ReviewerRecord[]>;
  revokeReviewer(orgId: string, id: string, at: string): Promise<boolean>;

  /** Inserts unless (org, dedupe_key) exists; then returns the existing record untouched. */
  insertRequest(
    record: RequestRecord,
  ): Promise<{ inserted: true } | { inserted: false; existing: RequestRecord }>;
  getRequest(orgId: string, id: string): Promise<RequestRecord | undefined>;
  listRequests(orgId: string, filter: RequestFilter, page: Page): Promise<PageResult<RequestRecord>>;
  mutateRequest<T>(
    orgId: string,
    id: string,
    fn: (current: RequestRecord) => Mutation<T>,
  ): Promise<T | undefined>;
  /** Open requests whose `expires_at` has passed, oldest first. */
  dueExpirations(now: number, limit: number): Promise<{ org_id: string; id: string }[]>;
  nextExpiration(): Promise<number | null>;

  claimDeliveries(now: number, leaseMs: number, limit: number, token: string): Promise<DeliveryRecord[]>;
  /** Records an attempt; refused (false) when `token` no longer holds the lease. */
  finishAttempt(deliveryId: string, token: string, result: AttemptResult): Promise<boolean>;
  getDelivery(orgId: string, requestId: string): Promise<DeliveryRecord | undefined>;
  listAttempts(orgId: string, requestId: string): Promise<DeliveryAttemptRecord[]>;
  nextDeliveryDue(): Promise<number | null>;
  /** The organisation's most recent attempts, newest first (endpoint health). */
  recentAttempts(orgId: string, limit: number): Promise<DeliveryAttemptRecord[]>;

  insertAuditRecord(
    record: AuditRecordRow,
    dedupeKey: string | null,
  ): Promise<{ inserted: true } | { inserted: false; existing: AuditRecordRow }>;
  getAuditRecord(orgId: string, id: string): Promise<AuditRecordRow | undefined>;
  listAuditRecords(orgId: string, filter: AuditFilter, page: Page): Promise<PageResult<AuditRecordRow>>;

  /** Requests and audit records sharing one key, in time order (14.5). */
  timeline(orgId: string, by: TimelineKey, value: string, page: Page): Promise<PageResult<TimelineEntry>>;

  /** Trace ids whose `parent_trace_id` is `traceId`. */
  childTraces(orgId: string, traceId: string): Promise<string[]>;

  /** Evidence signing keys, newest first; the newest one not retired signs. */
  listEvidenceKeys(): Promise<EvidenceKeyRecord[]>;
  insertEvidenceKey(key: EvidenceKeyRecord): Promise<void>;

  registerAgent(agent: AgentRecord): Promise<{ created: boolean; agent: AgentRecord }>;
  getAgent(orgId: string, id: string): Promise<AgentRecord | undefined>;
  listAgents(
    orgId: string,
    filter: { framework?: string; verification_status?: string; status?: string },
  ): Promise<AgentRecord[]>;
  countRequestsByAgent(orgId: string, agentId: string): Promise<number>;

  insertConsoleCredential(credential: ConsoleCredential): Promise<void>;
  getConsoleCredential(hash: string): Promise<ConsoleCredential | undefined>;
  /** Marks an unused, unexpired link used and returns it; undefined when it was used, expired or unknown. */
  redeemConsoleLink(hash: string, now: number): Promise<ConsoleCredential | undefined>;
  deleteConsoleCredential(hash: string): Promise<void>;
}
