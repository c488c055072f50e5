import { z } from 'zod';
import {
  actorSchema,
  approvalPolicySchema,
  decisionContextSchema,
  jsonObjectSchema,
  retrievedContextSchema,
  subAgentSchema,
  toolCallSchema,
} from './common.js';
import {
  type CALLBACK_STATES,
  CONTRO1_DECISION_TYPES,
  CONTRO1_STATUSES,
  DECISION_COMMENT_POLICIES,
  type INTERACTION_TYPES,
  type REQUEST_STATES,
  type REQUEST_STATUSES,
} from './enums.js';

export const operatorRefSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  department: z.string().optional(),
});
export type OperatorRef = z.infer<typeof operatorRefSchema>;

/** `Contro1Response` (section 4c). */
export const contro1ResponseSchema = z.looseObject({
  request_id: z.string({ error: 'request_id is required' }).min(1, { error: 'request_id is required' }),
  status: z.enum(CONTRO1_STATUSES, { error: `status must be one of: ${CONTRO1_STATUSES.join(', ')}` }),
  operator: operatorRefSchema.optional(),
  message: z.string().optional(),
  structured_response: jsonObjectSchema.optional(),
  decision_type: z.enum(CONTRO1_DECISION_TYPES).optional(),
  resolved_at: z.string({ error: 'resolved_at is required' }).min(1, { error: 'resolved_at is required' }),
});
export type Contro1Response = z.infer<typeof contro1ResponseSchema>;

export function validateContro1Response(response: unknown): { valid: boolean; errors: string[] } {
  const parsed = contro1ResponseSchema.safeParse(response);
  if (parsed.success) return { valid: true, errors: [] };
  return { valid: false, errors: [...new Set(parsed.error.issues.map((i) => i.message))] };
}

export const approvalRecordSchema = z.looseObject({
  operator_id: z.string(),
  operator_name_snapshot: z.string().optional(),
  department_snapshot: z.string().optional(),
  decision: z.enum(['approved', 'denied', 'escalated']),
  comment: z.string().optional(),
  created_at: z.string(),
});
export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;

export const stateHistoryEntrySchema = z.looseObject({
  state: z.string(),
  timestamp: z.string(),
  actor: z.string(),
  details: z.unknown().optional(),
});
export type StateHistoryEntry = z.infer<typeof stateHistoryEntrySchema>;

/**
 * The request object (`GET /requests/:id`, section 4a plus 14.1). Parsed leniently: states and statuses
 * are open strings so that a newer server never makes an old client throw; status logic fails closed instead.
 */
export const centcomRequestSchema = z.looseObject({
  id: z.string(),
  request_id: z.string().optional(),
  state: z.string(),
  status: z.string().optional(),
  type: z.string(),
  question: z.string(),
  context: z.union([z.string(), jsonObjectSchema]),
  priority: z.string().optional(),
  required_role: z.string().nullish(),
  sla_minutes: z.number().nullish(),
  expires_at: z.string().optional(),
  callback_url: z.string().nullish(),
  callback_state: z.string().optional(),
  approval_policy: approvalPolicySchema.nullish(),
  approval_records: z.array(approvalRecordSchema).optional(),
  response: jsonObjectSchema.nullish(),
  responded_by: z.string().nullish(),
  responded_at: z.string().nullish(),
  state_history: z.array(stateHistoryEntrySchema).optional(),
  metadata: jsonObjectSchema.nullish(),
  agent_id: z.string().nullish(),
  correlation_id: z.string().nullish(),
  external_request_id: z.string().nullish(),
  thread_id: z.string().nullish(),
  trace_id: z.string().nullish(),
  parent_trace_id: z.string().nullish(),
  risk_level: z.string().nullish(),
  policy_trigger: z.string().nullish(),
  policy_context: jsonObjectSchema.nullish(),
  approval_comment_required: z.boolean().nullish(),
  decision_context: decisionContextSchema.nullish(),
  decision_comment_policy: z.enum(DECISION_COMMENT_POLICIES).nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  sub_agents: z.array(subAgentSchema).nullish(),
  retrieved_context: z.array(retrievedContextSchema).nullish(),
  actor: actorSchema.nullish(),
  protocol_response: contro1ResponseSchema.nullish(),
  reviewer_url: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string().optional(),
});

/** The request object with the enum fields our server always emits narrowed for convenience. */
export type CentcomRequest = z.infer<typeof centcomRequestSchema> & {
  state: (typeof REQUEST_STATES)[number] | (string & {});
  status?: (typeof REQUEST_STATUSES)[number] | (string & {});
  type: (typeof INTERACTION_TYPES)[number] | (string & {});
  callback_state?: (typeof CALLBACK_STATES)[number] | (string & {});
};

export const listRequestsResponseSchema = z.looseObject({
  requests: z.array(centcomRequestSchema),
  next_cursor: z.string().nullish(),
});
export type ListRequestsResponse = { requests: CentcomRequest[]; next_cursor?: string | null };
