import { z } from 'zod';
import {
  actorSchema,
  approvalRequirementsSchema,
  decisionContextSchema,
  formatIssues,
  inReplyToSchema,
  jsonObjectSchema,
  riskLevelSchema,
  threadIdSchema,
  toolCallSchema,
  traceIdSchema,
} from './common.js';
import { AUDIT_OUTCOMES, AUDIT_SEVERITIES } from './enums.js';

/** `POST /audit-records` body (section 7). `outcome: denied` and `severity: error` are accepted (13.4). */
export const auditRecordCreateSchema = z.looseObject({
  action: z
    .string({ error: 'action is required' })
    .min(1, { error: 'action is required' })
    .max(128, { error: 'action must be at most 128 characters' }),
  summary: z
    .string({ error: 'summary is required' })
    .min(1, { error: 'summary is required' })
    .max(2000, { error: 'summary must be at most 2000 characters' }),
  source: z.looseObject(
    {
      integration: z
        .string({ error: 'source.integration is required' })
        .refine((s) => s.trim().length > 0, { error: 'source.integration is required' }),
      workflow_id: z.string().optional(),
      run_id: z.string().optional(),
    },
    { error: 'source is required' },
  ),
  actor: actorSchema.optional(),
  resource: z
    .looseObject({ type: z.string().optional(), id: z.string().optional(), uri: z.string().optional() })
    .optional(),
  outcome: z
    .enum(AUDIT_OUTCOMES, { error: `outcome must be one of: ${AUDIT_OUTCOMES.join(', ')}` })
    .optional(),
  severity: z
    .enum(AUDIT_SEVERITIES, { error: `severity must be one of: ${AUDIT_SEVERITIES.join(', ')}` })
    .optional(),
  correlation_id: z.string().min(1).max(200).optional(),
  external_request_id: z.string().min(1).max(200).optional(),
  risk_level: riskLevelSchema.optional(),
  policy_trigger: z.string().optional(),
  approval_requirements: approvalRequirementsSchema.optional(),
  decision_context: decisionContextSchema.optional(),
  tags: z.array(z.string()).optional(),
  metadata: jsonObjectSchema.optional(),
  occurred_at: z.iso
    .datetime({ offset: true, error: 'occurred_at must be an ISO-8601 date-time' })
    .optional(),
  thread_id: threadIdSchema.optional(),
  in_reply_to: inReplyToSchema.optional(),
  trace_id: traceIdSchema('trace_id').optional(),
  parent_trace_id: traceIdSchema('parent_trace_id').optional(),
  tool_calls: z.array(toolCallSchema).optional(),
});
export type AuditRecordCreateParams = z.infer<typeof auditRecordCreateSchema>;

export function validateAuditRecord(body: unknown): { valid: boolean; errors: string[] } {
  const parsed = auditRecordCreateSchema.safeParse(body);
  if (parsed.success) return { valid: true, errors: [] };
  return { valid: false, errors: formatIssues(parsed.error.issues).split('; ') };
}

/** A stored audit record as the server returns it. */
export const auditRecordSchema = auditRecordCreateSchema.extend({
  id: z.string(),
  org_id: z.string(),
  recorded_at: z.string(),
  outcome: z.string(),
  severity: z.string().optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export interface ListAuditRecordsParams {
  action?: string;
  actor_agent_id?: string;
  actor_user_id?: string;
  source_integration?: string;
  workflow_id?: string;
  outcome?: string;
  severity?: string;
  correlation_id?: string;
  external_request_id?: string;
  thread_id?: string;
  trace_id?: string;
  tags?: string[];
  from?: string;
  to?: string;
  cursor?: string;
  q?: string;
  limit?: number;
}

export interface ListAuditRecordsResponse {
  audit_records: AuditRecord[];
  next_cursor: string | null;
}
