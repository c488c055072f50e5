export type { ApprovalFields } from './client/approval-fields.js';
export { approvalFields } from './client/approval-fields.js';
export type {
  CentcomClientOptions,
  ListRequestsParams,
  Query,
  QueryValue,
  WaitOptions,
} from './client/centcom-client.js';
export { CentcomClient, toQueryString } from './client/centcom-client.js';
export type { Contro1ErrorCode, Contro1ErrorOptions } from './client/errors.js';
export { Contro1Error, isContro1Error } from './client/errors.js';
export type { FetchLike } from './client/http.js';
export { externalRequestId, newThreadId, newTraceId, threadIdFor } from './client/ids.js';
export { chainEntries, chainRoot } from './evidence/chain.js';
export type { EvidenceFailure, EvidenceVerification, TrustedEvidenceKey } from './evidence/verify.js';
export { verifyEvidencePacket } from './evidence/verify.js';
export type {
  AuditRecord,
  AuditRecordCreateParams,
  ListAuditRecordsParams,
  ListAuditRecordsResponse,
} from './protocol/audit-record.js';
export { auditRecordCreateSchema, auditRecordSchema, validateAuditRecord } from './protocol/audit-record.js';
export type {
  Actor,
  ApprovalPolicy,
  ApprovalRequirements,
  DecisionContext,
  InReplyTo,
  JsonObject,
  PolicyContext,
  PolicyWarning,
  RetrievedContext,
  SubAgent,
  ToolCall,
} from './protocol/common.js';
export {
  approvalPolicySchema,
  approvalRequirementsSchema,
  decisionContextSchema,
  policyContextSchema,
  toolCallSchema,
} from './protocol/common.js';
export type { ControlMapResponse } from './protocol/control-map.js';
export { controlMapResponseSchema } from './protocol/control-map.js';
export type { Decision } from './protocol/decision.js';
export { isApproved, parseDecision } from './protocol/decision.js';
export type {
  ApprovalPolicyMode,
  AuditOutcome,
  AuditSeverity,
  CallbackState,
  Contro1ContinuationMode,
  Contro1Priority,
  Contro1RequestType,
  Contro1Status,
  ControlMapStatus,
  DecisionCommentPolicy,
  DecisionType,
  InteractionType,
  LegacyPriority,
  RequestState,
  RequestStatus,
  RiskLevel,
  WebhookState,
} from './protocol/enums.js';
export {
  ANSWERED_STATES,
  APPROVAL_POLICY_MODES,
  AUDIT_OUTCOMES,
  AUDIT_SEVERITIES,
  CALLBACK_STATES,
  CONTRO1_CONTINUATION_MODES,
  CONTRO1_DECISION_TYPES,
  CONTRO1_PRIORITIES,
  CONTRO1_REQUEST_TYPES,
  CONTRO1_RISK_LEVELS,
  CONTRO1_STATUSES,
  DEFAULT_BASE_URL,
  INTERACTION_TYPES,
  LEGACY_PRIORITIES,
  REQUEST_STATES,
  REQUEST_STATUSES,
  TERMINAL_STATES,
  WEBHOOK_STATES,
} from './protocol/enums.js';
export type { ErrorCode, OperatorErrorBody, V1ErrorBody } from './protocol/error-body.js';
export { ERROR_STATUS, operatorErrorBodySchema, v1ErrorBodySchema } from './protocol/error-body.js';
export type { EvidenceKey, EvidencePacket } from './protocol/evidence.js';
export { EVIDENCE_CSV_COLUMNS, evidenceKeySchema, evidencePacketSchema } from './protocol/evidence.js';
export type { CreateRequestParams } from './protocol/legacy-request.js';
export { createRequestParamsSchema, validateCreateRequestParams } from './protocol/legacy-request.js';
export { toLegacyCreateRequestParams } from './protocol/normalise.js';
export type { Contro1Request, ValidationResult } from './protocol/protocol-request.js';
export {
  contro1RequestSchema,
  isProtocolRequest,
  validateContro1Request,
} from './protocol/protocol-request.js';
export type {
  ApprovalRecord,
  CentcomRequest,
  Contro1Response,
  ListRequestsResponse,
  OperatorRef,
  StateHistoryEntry,
} from './protocol/request-object.js';
export {
  centcomRequestSchema,
  contro1ResponseSchema,
  validateContro1Response,
} from './protocol/request-object.js';
export {
  fromLegacyRequest,
  inferStatus,
  isAnsweredState,
  isTerminalState,
  normaliseStatus,
} from './protocol/status.js';
export type {
  Agent,
  RegisterAgentParams,
  RuntimeStatus,
  Timeline,
  TimelineItem,
  TraceTimeline,
} from './protocol/timeline.js';
export type { WebhookPayload } from './protocol/webhook-payload.js';
export { parseWebhookPayload, webhookPayloadSchema } from './protocol/webhook-payload.js';
export type { DedupeBegin, WebhookDedupeStore } from './receiver/dedupe.js';
export { createMemoryDedupeStore } from './receiver/dedupe.js';
export { readRawBody, toNodeListener, toWebHeaders, webhookMiddleware } from './receiver/node.js';
export type {
  DecisionContextInfo,
  WebhookReceiver,
  WebhookReceiverOptions,
} from './receiver/webhook-receiver.js';
export { createWebhookReceiver, MAX_WEBHOOK_BODY_BYTES } from './receiver/webhook-receiver.js';
export { canonicalHash, canonicalJson, sha256Hex } from './signing/canonical-json.js';
export type { RawBody, VerifyWebhookOptions } from './signing/centcom-signature.js';
export { DEFAULT_TOLERANCE_SECONDS, signWebhook, verifyWebhook } from './signing/centcom-signature.js';
export type { StandardWebhookHeaders } from './signing/standard-webhooks.js';
export { signStandardWebhook, verifyStandardWebhook } from './signing/standard-webhooks.js';
export type { ExecutionOutcome, ExecutionRecordInput, GuardedResult } from './tracing/execution-trace.js';
export { recordExecution, runIfApproved } from './tracing/execution-trace.js';
export { createKeyedLock } from './util/keyed-lock.js';
export { createRateLimiter } from './util/rate-limit.js';
