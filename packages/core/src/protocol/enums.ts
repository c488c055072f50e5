/** Lifecycle states of a request (section 4b). There is no `pending` or `denied` state: those are statuses. */
export const REQUEST_STATES = [
  'created',
  'validated',
  'queued',
  'assigned',
  'viewed',
  'answered',
  'callback_pending',
  'callback_delivered',
  'callback_failed',
  'closed',
  'broadcasted',
  'escalated',
  'reassigned',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** States in which a human answered; only these can carry an approval (the safe client rule of 4c). */
export const ANSWERED_STATES = [
  'answered',
  'callback_pending',
  'callback_delivered',
  'callback_failed',
  'closed',
] as const satisfies readonly RequestState[];

/** The terminal set upstream SDKs poll for. */
export const TERMINAL_STATES = [...ANSWERED_STATES, 'expired', 'cancelled'] as const;

export const INTERACTION_TYPES = ['approval', 'yes_no', 'free_text'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export const CONTRO1_REQUEST_TYPES = ['approval', 'input', 'decision', 'review'] as const;
export type Contro1RequestType = (typeof CONTRO1_REQUEST_TYPES)[number];

export const CONTRO1_CONTINUATION_MODES = ['decision', 'instruction'] as const;
export type Contro1ContinuationMode = (typeof CONTRO1_CONTINUATION_MODES)[number];

export const LEGACY_PRIORITIES = ['normal', 'urgent'] as const;
export type LegacyPriority = (typeof LEGACY_PRIORITIES)[number];

export const CONTRO1_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Contro1Priority = (typeof CONTRO1_PRIORITIES)[number];

export const CONTRO1_RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof CONTRO1_RISK_LEVELS)[number];

/** Final outcomes (`Contro1Status`). */
export const CONTRO1_STATUSES = [
  'approved',
  'denied',
  'cancelled',
  'timed_out',
  'provided_input',
  'resolved',
] as const;
export type Contro1Status = (typeof CONTRO1_STATUSES)[number];

/** `status` on a request object: open statuses plus the final outcomes (14.1). */
export const REQUEST_STATUSES = ['pending', 'in_review', ...CONTRO1_STATUSES] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const CONTRO1_DECISION_TYPES = ['approve', 'reject', 'respond'] as const;
export type DecisionType = (typeof CONTRO1_DECISION_TYPES)[number];

export const WEBHOOK_STATES = ['answered', 'expired', 'cancelled'] as const;
export type WebhookState = (typeof WEBHOOK_STATES)[number];

export const CALLBACK_STATES = ['none', 'pending', 'delivered', 'failed'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export const APPROVAL_POLICY_MODES = ['single', 'all_of', 'any_of', 'threshold'] as const;
export type ApprovalPolicyMode = (typeof APPROVAL_POLICY_MODES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure', 'partial', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AUDIT_SEVERITIES = ['info', 'notice', 'warning', 'error'] as const;
export type AuditSeverity = (typeof AUDIT_SEVERITIES)[number];

export const DECISION_COMMENT_POLICIES = ['optional', 'risk_based', 'always'] as const;
export type DecisionCommentPolicy = (typeof DECISION_COMMENT_POLICIES)[number];

export const MAPPING_STATUSES = ['mapped', 'unmapped', 'fallback_active', 'needs_setup'] as const;

export const CONTROL_MAP_STATUSES = ['ready', 'needs_mapping', 'needs_capacity'] as const;
export type ControlMapStatus = (typeof CONTROL_MAP_STATUSES)[number];

export const THREAD_ID_PATTERN = /^thr_[A-Za-z0-9_-]{1,64}$/;
export const TRACE_ID_PATTERN = /^trc_[A-Za-z0-9_-]{1,64}$/;

export const DEFAULT_BASE_URL = 'https://api.contro1.com/api/centcom/v1';
