import type { JsonObject } from '../protocol/common.js';
import type { DecisionCommentPolicy } from '../protocol/enums.js';

/** An organisation: the tenant boundary of every route. */
export interface OrgRecord {
  id: string;
  name: string;
  webhook_secret: string;
  /** Still signed alongside the new secret until `webhook_secret_previous_until`. */
  webhook_secret_previous: string | null;
  webhook_secret_previous_until: string | null;
  /** `centcom` (X-CentCom-Signature, the default) or `standard` (Standard Webhooks `webhook-*` headers). */
  webhook_format?: 'centcom' | 'standard';
  decision_comment_policy: DecisionCommentPolicy;
  /** Hosts (exact names or IP literals) this organisation may call back even when they resolve privately. */
  callback_allowlist: string[];
  /** Minimum rules a request can tighten but never loosen (14.1). */
  policy_rules?: PolicyRule[];
  created_at: string;
}

/** An organisation rule: when every given `match` field applies, its requirements are added to the request's. */
export interface PolicyRule {
  id: string;
  match: { action_type?: string; tool_name?: string; risk_level?: string };
  min_approvals?: number;
  required_roles?: string[];
  comment_required?: boolean;
  created_at: string;
}

export interface ApiKeyRecord {
  id: string;
  org_id: string;
  label: string;
  key_prefix: string;
  key_hash: string;
  agent_id: string | null;
  /** The reviewer who owns this key; separation of duties excludes them. */
  owner_reviewer_id: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface ReviewerRecord {
  id: string;
  org_id: string;
  name: string;
  email: string | null;
  roles: string[];
  /** Department ids for `approval_policy.required_department_ids`. */
  departments?: string[];
  is_admin: boolean;
  token_prefix: string;
  token_hash: string;
  revoked_at: string | null;
  created_at: string;
}

/** A stored request: the public object plus the fields only the server reads. */
export interface RequestRecord extends JsonObject {
  id: string;
  org_id: string;
  dedupe_key: string | null;
  fingerprint: string;
  claimed_by: string | null;
  state: string;
  status: string;
  callback_state: 'none' | 'pending' | 'delivered' | 'failed';
  type: string;
  question: string;
  context: string | JsonObject;
  priority: string;
  callback_url: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  responded_at: string | null;
  state_history: { state: string; timestamp: string; actor: string; details?: unknown }[];
}

export interface NewDelivery {
  id: string;
  org_id: string;
  request_id: string;
  event_id: string;
  url: string;
  body: string;
  created_at: number;
  /** Set when this process starts the first attempt right after the commit (see inline-dispatch). */
  lease_token?: string | null;
  lease_until?: number | null;
}

export interface DeliveryRecord extends NewDelivery {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  lease_token: string | null;
  lease_until: number | null;
  last_status_code: number | null;
}

export interface DeliveryAttemptRecord {
  delivery_id: string;
  request_id: string;
  org_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  claim_token: string;
}

export interface AuditRecordRow extends JsonObject {
  id: string;
  org_id: string;
  recorded_at: string;
  action: string;
  outcome: string;
  severity: string;
}

export interface AgentRecord extends JsonObject {
  agent_id: string;
  org_id: string;
  name: string;
  framework: string | null;
  description: string | null;
  owner: string | null;
  parent_agent_id: string | null;
  status: string;
  verification_status: 'verified' | 'claimed';
  created_at: string;
}

/** An Ed25519 evidence signing key. Retired keys stay listed so old packets keep verifying. */
export interface EvidenceKeyRecord {
  key_id: string;
  alg: 'Ed25519';
  public_key: string;
  private_key: string;
  created_at: string;
}

/**
 * A reviewer-console credential, stored by the SHA-256 of its secret: a single-use sign-in link or a session
 * (whose CSRF token the page echoes in a header on every change).
 */
export interface ConsoleCredential {
  hash: string;
  kind: 'link' | 'session';
  org_id: string;
  reviewer_id: string;
  csrf: string | null;
  expires_at: number;
  used_at: number | null;
}
