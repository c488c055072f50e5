import type { ApprovalPolicy, PolicyContext } from '../protocol/common.js';
import type { LegacyPriority, RiskLevel } from '../protocol/enums.js';
import type { CreateRequestParams } from '../protocol/legacy-request.js';

/** The request fields adapters let their users set, in the camelCase of TypeScript APIs. */
export interface ApprovalFields {
  riskLevel?: RiskLevel;
  policyTrigger?: string;
  policyContext?: PolicyContext;
  requiredRole?: string;
  slaMinutes?: number;
  priority?: LegacyPriority;
  approvalPolicy?: ApprovalPolicy;
  approvalCommentRequired?: boolean;
}

/** Maps `ApprovalFields` to their wire names, leaving out what is not set. */
export function approvalFields(fields: ApprovalFields): Partial<CreateRequestParams> {
  const out: Partial<CreateRequestParams> = {};
  if (fields.riskLevel) out.risk_level = fields.riskLevel;
  if (fields.policyTrigger) out.policy_trigger = fields.policyTrigger;
  if (fields.policyContext) out.policy_context = fields.policyContext;
  if (fields.requiredRole) out.required_role = fields.requiredRole;
  if (fields.slaMinutes) out.sla_minutes = fields.slaMinutes;
  if (fields.priority) out.priority = fields.priority;
  if (fields.approvalPolicy) out.approval_policy = fields.approvalPolicy;
  if (fields.approvalCommentRequired !== undefined)
    out.approval_comment_required = fields.approvalCommentRequired;
  return out;
}
