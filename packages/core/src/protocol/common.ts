import { z } from 'zod';
import {
  APPROVAL_POLICY_MODES,
  AUDIT_OUTCOMES,
  CONTRO1_RISK_LEVELS,
  MAPPING_STATUSES,
  THREAD_ID_PATTERN,
  TRACE_ID_PATTERN,
} from './enums.js';

const oneOf = (field: string, values: readonly string[]) => `${field} must be one of: ${values.join(', ')}`;

export const jsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof jsonObjectSchema>;

export const riskLevelSchema = z.enum(CONTRO1_RISK_LEVELS, {
  error: oneOf('risk_level', CONTRO1_RISK_LEVELS),
});

export const threadIdSchema = z
  .string({ error: 'thread_id must match thr_[A-Za-z0-9_-]{1,64}' })
  .regex(THREAD_ID_PATTERN, { error: 'thread_id must match thr_[A-Za-z0-9_-]{1,64}' });

export const traceIdSchema = (field: 'trace_id' | 'parent_trace_id') =>
  z
    .string({ error: `${field} must match trc_[A-Za-z0-9_-]{1,64}` })
    .regex(TRACE_ID_PATTERN, { error: `${field} must match trc_[A-Za-z0-9_-]{1,64}` });

export const policyTriggerSchema = z
  .string({ error: 'policy_trigger must be non-empty when provided' })
  .refine((s) => s.trim().length > 0, { error: 'policy_trigger must be non-empty when provided' });

export const policyContextSchema = z
  .looseObject({
    source: z.string().optional(),
    policy_name: z.string().optional(),
    rule_id: z.string().optional(),
    rule_reason: z.string().optional(),
    policy_version: z.string().optional(),
    enforcement: z.string().optional(),
  })
  .refine(
    (o) =>
      ['source', 'policy_name', 'rule_id', 'rule_reason', 'policy_version', 'enforcement'].some((k) => {
        const v = (o as Record<string, unknown>)[k];
        return typeof v === 'string' && v.trim().length > 0;
      }),
    { error: 'policy_context must contain at least one non-empty field' },
  );
export type PolicyContext = z.infer<typeof policyContextSchema>;

export const approvalCommentRequiredSchema = z.boolean({
  error: 'approval_comment_required must be a boolean',
});

export const approvalPolicySchema = z.looseObject({
  mode: z
    .enum(APPROVAL_POLICY_MODES, { error: oneOf('approval_policy.mode', APPROVAL_POLICY_MODES) })
    .optional(),
  required_approvals: z
    .number()
    .int({ error: 'approval_policy.required_approvals must be a positive integer' })
    .positive({ error: 'approval_policy.required_approvals must be a positive integer' })
    .optional(),
  required_roles: z.array(z.string()).optional(),
  required_department_ids: z.array(z.string()).optional(),
  separation_of_duties: z.boolean().optional(),
  fail_closed_on_timeout: z.boolean().optional(),
  enforcement: z.string().optional(),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

export const approvalRequirementsSchema = z.looseObject({
  required_approvals: z.number().int().positive().optional(),
  required_roles: z.array(z.string()).optional(),
  must_include_roles: z.array(z.string()).optional(),
});
export type ApprovalRequirements = z.infer<typeof approvalRequirementsSchema>;

const reviewerTargetSchema = z.looseObject({
  type: z.enum(['operator', 'department', 'role']),
  id: z.string(),
  label: z.string().optional(),
});

export const reviewerMappingSchema = z.looseObject({
  external_role: z.string(),
  display_name: z.string().optional(),
  primary_targets: z.array(reviewerTargetSchema).optional(),
  fallback_targets: z.array(reviewerTargetSchema).optional(),
  remembered: z.boolean().optional(),
  status: z.enum(MAPPING_STATUSES).optional(),
});

export const policyWarningSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  role: z.string().optional(),
  required: z.number().optional(),
  available: z.number().optional(),
});
export type PolicyWarning = z.infer<typeof policyWarningSchema>;

export const decisionContextSchema = z.looseObject({
  risk_level: riskLevelSchema.optional(),
  policy_trigger: z.string().optional(),
  policy_context: jsonObjectSchema.optional(),
  approval_comment_required: z.boolean().optional(),
  approval_requirements: approvalRequirementsSchema.optional(),
  reviewer_mappings: z.array(reviewerMappingSchema).optional(),
  mapping_status: z.enum(MAPPING_STATUSES).optional(),
  policy_warnings: z.array(policyWarningSchema).optional(),
  routing_coverage: z.array(jsonObjectSchema).optional(),
});
export type DecisionContext = z.infer<typeof decisionContextSchema>;

export const inReplyToSchema = z.looseObject({
  type: z.enum(['request', 'audit_record'], {
    error: 'in_reply_to.type must be one of: request, audit_record',
  }),
  id: z.string({ error: 'in_reply_to.id is required' }).min(1, { error: 'in_reply_to.id is required' }),
});
export type InReplyTo = z.infer<typeof inReplyToSchema>;

/** Connectors also send `arguments` and `pending|pending_approval` outcomes (section 7), so both are accepted. */
export const toolCallSchema = z.looseObject({
  name: z.string({ error: 'tool_calls[].name is required' }).min(1).max(200),
  input: jsonObjectSchema.optional(),
  arguments: z.unknown().optional(),
  output_summary: z.string().max(2000).optional(),
  outcome: z.enum([...AUDIT_OUTCOMES, 'pending', 'pending_approval']).optional(),
  started_at: z.string().optional(),
  ended_at: z.string().optional(),
  error: z.unknown().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const subAgentSchema = z.looseObject({
  agent_id: z.string(),
  name: z.string().optional(),
  verification: z.enum(['verified', 'claimed']).optional(),
  trace_id: z.string().optional(),
  action_summary: z.string().optional(),
});
export type SubAgent = z.infer<typeof subAgentSchema>;

export const retrievedContextSchema = z.looseObject({
  source: z.string(),
  uri: z.string().optional(),
  snippet: z.string().optional(),
  content_hash: z.string().optional(),
  score: z.number().optional(),
  retrieved_at: z.string().optional(),
});
export type RetrievedContext = z.infer<typeof retrievedContextSchema>;

export const actorSchema = z.looseObject({
  agent_id: z.string().optional(),
  agent_name: z.string().optional(),
  user_id: z.string().optional(),
  user_email: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

/** Fields shared by the legacy and the protocol create bodies (sections 3a and 3b). */
export const sharedCreateFields = {
  approval_policy: approvalPolicySchema.optional(),
  approval_requirements: approvalRequirementsSchema.optional(),
  risk_level: riskLevelSchema.optional(),
  policy_trigger: policyTriggerSchema.optional(),
  policy_context: policyContextSchema.optional(),
  approval_comment_required: approvalCommentRequiredSchema.optional(),
  decision_context: decisionContextSchema.optional(),
  metadata: jsonObjectSchema.optional(),
  external_request_id: z.string().min(1).max(200).optional(),
  correlation_id: z.string().min(1).max(200).optional(),
  thread_id: threadIdSchema.optional(),
  in_reply_to: inReplyToSchema.optional(),
  trace_id: traceIdSchema('trace_id').optional(),
  parent_trace_id: traceIdSchema('parent_trace_id').optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  sub_agents: z.array(subAgentSchema).optional(),
  retrieved_context: z.array(retrievedContextSchema).optional(),
  actor: actorSchema.optional(),
};

/** Turns zod issues into the `a; b` message form of section 3b. */
export function formatIssues(issues: readonly { message: string; path: readonly PropertyKey[] }[]): string {
  const seen = new Set<string>();
  for (const issue of issues) {
    const generic = issue.message.startsWith('Invalid input') || issue.message.startsWith('Too ');
    const path = issue.path.map(String).join('.');
    seen.add(generic && path ? `${path}: ${issue.message}` : issue.message);
  }
  return [...seen].join('; ');
}

export type ValidationResult<T> = { ok: true; value: T; errors: [] } | { ok: false; errors: string[] };
