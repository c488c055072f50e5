import type { JsonObject } from '../../protocol/common.js';
import type { ControlMapResponse } from '../../protocol/control-map.js';
import type { PolicyRule, ReviewerRecord } from '../model.js';
import { approvalsNeeded, effectivePolicy, mayDecide, quorum } from './policy.js';

const active = (reviewers: ReviewerRecord[]) => reviewers.filter((r) => !r.revoked_at);

export function knownRoles(reviewers: ReviewerRecord[]): Set<string> {
  return new Set(active(reviewers).flatMap((r) => r.roles));
}

/**
 * Control map (section 5) with the enforcement code: the policy is built as for a real request and `satisfiable`
 * asks whether every eligible reviewer approving would meet it (more approvals never hurt, so that is exact).
 */
export function controlMap(
  body: JsonObject,
  reviewers: ReviewerRecord[],
  rules: readonly PolicyRule[],
  ownerReviewerId: string | null,
): ControlMapResponse {
  const live = active(reviewers);
  const roles = knownRoles(live);
  const policy = effectivePolicy(body, rules);
  const ctx = { knownRoles: roles, ownerReviewerId };
  const eligible = live.filter((r) => mayDecide(policy, r, ctx));
  const progress = quorum(policy, eligible, ctx);
  const admins = live.filter((r) => r.is_admin);
  const warnings: ControlMapResponse['warnings'] = [];
  const mentioned = [
    ...new Set(policy.requirements.flatMap((r) => [...(r.eligible_roles ?? []), ...r.role_groups.flat()])),
  ];
  const roleRows = mentioned.map((role) => {
    if (roles.has(role)) {
      return {
        role,
        eligible_reviewer_count: eligible.filter((r) => r.roles.includes(role)).length,
        status: 'mapped',
      };
    }
    warnings.push({
      code: 'unmapped_role',
      message: `No reviewer has the role "${role}"; requests are routed to organisation admins.`,
      role,
      available: admins.length,
    });
    return {
      role,
      eligible_reviewer_count: eligible.filter((r) => r.is_admin).length,
      status: 'fallback_active',
    };
  });
  const needed = approvalsNeeded(policy);
  for (const missing of progress.missing) {
    warnings.push({
      code: 'insufficient_reviewers',
      message: `Cannot be met: ${missing}.`,
      required: needed,
      available: eligible.length,
    });
  }
  const unmapped = warnings.some((w) => w.code === 'unmapped_role');
  const status = !progress.met
    ? unmapped
      ? 'needs_mapping'
      : 'needs_capacity'
    : unmapped
      ? 'needs_mapping'
      : 'ready';
  return {
    status,
    satisfiable: progress.met,
    eligible_reviewer_count: eligible.length,
    on_shift_reviewer_count: eligible.length,
    approval_policy: {
      mode: policy.mode,
      required_approvals: needed,
      separation_of_duties: policy.separation_of_duties,
    },
    effective_policy: policy,
    roles: roleRows,
    warnings,
    suggested_action:
      status === 'ready'
        ? null
        : status === 'needs_mapping'
          ? {
              label: 'Give a reviewer the missing role',
              command: 'contro1-server admin reviewer create --role <role>',
            }
          : {
              label: 'Add reviewers who can meet this policy',
              command: 'contro1-server admin reviewer create',
            },
    fallback_reviewers: unmapped ? admins.map((a) => ({ id: a.id, name: a.name })) : [],
  };
}
