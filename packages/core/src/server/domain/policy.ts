import type { ApprovalPolicy, JsonObject } from '../../protocol/common.js';
import type { ApprovalPolicyMode } from '../../protocol/enums.js';
import { HttpError } from '../http/http-error.js';
import type { PolicyRule, ReviewerRecord } from '../model.js';

/**
 * One condition a set of approvals must meet: at least `min_approvals` distinct approvers who are eligible for it,
 * and for every role group at least one approver holding a role of that group.
 */
export interface Requirement {
  source: string;
  min_approvals: number;
  /** Approvers must hold one of these roles; null means any reviewer. */
  eligible_roles: string[] | null;
  role_groups: string[][];
  /** Approvers must belong to one of these departments; null means any. */
  departments: string[] | null;
}

/** The policy the server enforces for one request: the request's own plus every organisation rule that matched. */
export interface EffectivePolicy {
  mode: ApprovalPolicyMode;
  requirements: Requirement[];
  separation_of_duties: boolean;
  comment_required: boolean;
  fail_closed_on_timeout: true;
  rules_applied: string[];
}

const RISK_ORDER = ['low', 'medium', 'high', 'critical'];

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Tool name, action type and risk of a stored request, wherever the create shape put them. */
export function actionFacts(record: JsonObject): {
  tool_name?: string;
  action_type?: string;
  risk_level?: string;
} {
  const context =
    typeof record.context === 'object' && record.context !== null ? (record.context as JsonObject) : {};
  const protocolContext = ((record.metadata as JsonObject | undefined)?.context ?? {}) as JsonObject;
  const action = (context.action ?? protocolContext.action ?? {}) as JsonObject;
  const firstTool = (record.tool_calls as JsonObject[] | undefined)?.[0]?.name;
  const facts: { tool_name?: string; action_type?: string; risk_level?: string } = {};
  const tool = str(context.tool_name) ?? str(protocolContext.tool_name) ?? str(action.tool) ?? str(firstTool);
  const actionType = str(context.action_type) ?? str(protocolContext.action_type);
  const risk = str(record.risk_level);
  if (tool) facts.tool_name = tool;
  if (actionType) facts.action_type = actionType;
  if (risk) facts.risk_level = risk;
  return facts;
}

/** A rule for a risk level applies to that level and above; the other match fields are exact. */
export function ruleMatches(rule: PolicyRule, facts: ReturnType<typeof actionFacts>): boolean {
  const { action_type, tool_name, risk_level } = rule.match;
  if (action_type !== undefined && facts.action_type !== action_type) return false;
  if (tool_name !== undefined && facts.tool_name !== tool_name) return false;
  if (risk_level !== undefined && RISK_ORDER.indexOf(facts.risk_level ?? '') < RISK_ORDER.indexOf(risk_level))
    return false;
  return true;
}

function requestRequirement(policy: ApprovalPolicy, requiredRole: string | undefined): Requirement {
  const roles = policy.required_roles?.length
    ? [...new Set(policy.required_roles)]
    : requiredRole
      ? [requiredRole]
      : null;
  const departments = policy.required_department_ids?.length ? policy.required_department_ids : null;
  const asked = policy.required_approvals ?? 1;
  const mode = policy.mode ?? (asked > 1 ? 'threshold' : 'single');
  if (mode === 'all_of' && roles) {
    return {
      source: 'request',
      min_approvals: Math.max(asked, roles.length),
      eligible_roles: roles,
      role_groups: roles.map((r) => [r]),
      departments,
    };
  }
  if (mode === 'single')
    return { source: 'request', min_approvals: 1, eligible_roles: roles, role_groups: [], departments };
  return {
    source: 'request',
    min_approvals: Math.max(1, asked),
    eligible_roles: roles,
    role_groups: [],
    departments,
  };
}

/**
 * Combines the request's policy with the organisation's matching rules. Rules only add requirements, so a request
 * can ask for more than a rule but never for less.
 */
export function effectivePolicy(record: JsonObject, rules: readonly PolicyRule[]): EffectivePolicy {
  const policy = (record.approval_policy ?? {}) as ApprovalPolicy;
  const asked = policy.required_approvals ?? 1;
  const mode = policy.mode ?? (asked > 1 ? 'threshold' : 'single');
  if (mode === 'single' && asked > 1) {
    throw new HttpError(
      'invalid_request',
      'approval_policy.mode "single" cannot require more than one approval; use "threshold"',
    );
  }
  const requirements = [requestRequirement(policy, str(record.required_role))];
  const facts = actionFacts(record);
  const applied = rules.filter((rule) => ruleMatches(rule, facts));
  for (const rule of applied) {
    if (!rule.min_approvals && !rule.required_roles?.length) continue;
    const roles = rule.required_roles?.length ? rule.required_roles : null;
    requirements.push({
      source: `rule:${rule.id}`,
      min_approvals: Math.max(rule.min_approvals ?? 1, roles?.length ?? 0),
      eligible_roles: roles,
      role_groups: roles ? roles.map((r) => [r]) : [],
      departments: null,
    });
  }
  const needsMany = requirements.some((r) => r.min_approvals > 1);
  return {
    mode: needsMany && mode === 'single' ? 'threshold' : mode,
    requirements,
    separation_of_duties: policy.separation_of_duties ?? true,
    comment_required: record.approval_comment_required === true || applied.some((r) => r.comment_required),
    fail_closed_on_timeout: true,
    rules_applied: applied.map((r) => r.id),
  };
}

/** Role holders; a role nobody in the organisation has falls back to its admins (upstream behaviour). */
export function holdsRole(reviewer: ReviewerRecord, role: string, knownRoles: Set<string>): boolean {
  return reviewer.roles.includes(role) || (!knownRoles.has(role) && reviewer.is_admin);
}

function eligibleFor(req: Requirement, reviewer: ReviewerRecord, knownRoles: Set<string>): boolean {
  if (req.departments && !req.departments.some((d) => reviewer.departments?.includes(d))) return false;
  return !req.eligible_roles || req.eligible_roles.some((role) => holdsRole(reviewer, role, knownRoles));
}

export interface PolicyContext {
  knownRoles: Set<string>;
  /** The reviewer who owns the requesting API key; excluded under separation of duties. */
  ownerReviewerId: string | null;
}

/** May this reviewer approve or reject the request at all? */
export function mayDecide(policy: EffectivePolicy, reviewer: ReviewerRecord, ctx: PolicyContext): boolean {
  if (reviewer.revoked_at) return false;
  if (policy.separation_of_duties && reviewer.id === ctx.ownerReviewerId) return false;
  return policy.requirements.some((req) => eligibleFor(req, reviewer, ctx.knownRoles));
}

/** Whether these distinct approvers meet every requirement; what is still missing otherwise. */
export function quorum(
  policy: EffectivePolicy,
  approvers: readonly ReviewerRecord[],
  ctx: PolicyContext,
): { met: boolean; missing: string[] } {
  const missing: string[] = [];
  for (const req of policy.requirements) {
    const eligible = approvers.filter(
      (a) => mayDecide(policy, a, ctx) && eligibleFor(req, a, ctx.knownRoles),
    );
    if (eligible.length < req.min_approvals) {
      missing.push(
        `${req.source}: ${req.min_approvals - eligible.length} more approval(s)${req.eligible_roles ? ` from ${req.eligible_roles.join(' or ')}` : ''}`,
      );
    }
    for (const group of req.role_groups) {
      if (!eligible.some((a) => group.some((role) => holdsRole(a, role, ctx.knownRoles))))
        missing.push(`${req.source}: an approval from ${group.join(' or ')}`);
    }
  }
  return { met: missing.length === 0, missing };
}

/** The largest number of approvals any requirement asks for. */
export const approvalsNeeded = (policy: EffectivePolicy) =>
  Math.max(...policy.requirements.map((r) => r.min_approvals));

/** A sentence fragment for refusals: who may decide. */
export function describeEligibility(policy: EffectivePolicy): string {
  const parts = policy.requirements.map((r) =>
    r.eligible_roles
      ? `a reviewer with the role ${r.eligible_roles.map((x) => `"${x}"`).join(' or ')}`
      : 'any reviewer',
  );
  return [...new Set(parts)].join(', or ');
}
