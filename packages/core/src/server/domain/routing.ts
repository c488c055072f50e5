import type { JsonObject } from '../../protocol/common.js';
import type { ControlMapResponse } from '../../protocol/control-map.js';
import type { ReviewerRecord } from '../model.js';

const active = (reviewers: ReviewerRecord[]) => reviewers.filter((r) => !r.revoked_at);

export function knownRoles(reviewers: ReviewerRecord[]): Set<string> {
  return new Set(active(reviewers).flatMap((r) => r.roles));
}

/**
 * Who may claim or answer: anyone when no role is required; holders of the role when some reviewer has it;
 * organisation admins when nobody does (upstream's admin fallback, reported as a warning).
 */
export function canAnswer(
  record: Record<string, unknown>,
  reviewer: ReviewerRecord,
  roles: Set<string>,
): boolean {
  if (reviewer.revoked_at) return false;
  const role =
    typeof record.required_role === 'string' && record.required_role ? record.required_role : undefined;
  if (!role) return true;
  if (roles.has(role)) return reviewer.roles.includes(role);
  return reviewer.is_admin;
}

function rolesOf(body: JsonObject): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const routing = (body.routing ?? {}) as JsonObject;
  const policy = (body.approval_policy ?? {}) as JsonObject;
  const requirements = (body.approval_requirements ?? {}) as JsonObject;
  const single = [body.required_role, routing.required_role].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  return [
    ...new Set([
      ...single,
      ...list(policy.required_roles),
      ...list(requirements.required_roles),
      ...list(requirements.must_include_roles),
    ]),
  ];
}

/** Basic control map (section 5): eligible reviewers per role, computed with the routing rule above. */
export function controlMap(body: JsonObject, reviewers: ReviewerRecord[]): ControlMapResponse {
  const live = active(reviewers);
  const roles = knownRoles(live);
  const admins = live.filter((r) => r.is_admin);
  const policy = (body.approval_policy ?? {}) as JsonObject;
  const required = typeof policy.required_approvals === 'number' ? policy.required_approvals : 1;
  const warnings: ControlMapResponse['warnings'] = [];
  const roleRows = rolesOf(body).map((role) => {
    if (roles.has(role)) {
      const count = live.filter((r) => r.roles.includes(role)).length;
      return { role, eligible_reviewer_count: count, status: 'mapped' };
    }
    warnings.push({
      code: 'unmapped_role',
      message: `No reviewer has the role "${role}"; requests are routed to organisation admins.`,
      role,
      available: admins.length,
    });
    return { role, eligible_reviewer_count: admins.length, status: 'fallback_active' };
  });
  const eligible = roleRows.length
    ? new Set(
        live
          .filter((r) => roleRows.every((row) => canAnswer({ required_role: row.role }, r, roles)))
          .map((r) => r.id),
      ).size
    : live.length;
  if (eligible < required) {
    warnings.push({
      code: 'insufficient_reviewers',
      message: `The policy needs ${required} approval(s) but only ${eligible} reviewer(s) are eligible.`,
      required,
      available: eligible,
    });
  }
  const unmapped = warnings.some((w) => w.code === 'unmapped_role');
  const status =
    eligible < required || eligible === 0 ? 'needs_capacity' : unmapped ? 'needs_mapping' : 'ready';
  return {
    status,
    satisfiable: eligible >= required && eligible > 0,
    eligible_reviewer_count: eligible,
    on_shift_reviewer_count: eligible,
    approval_policy: { mode: 'single', required_approvals: required, ...policy },
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
              label: 'Add reviewers who can answer this request',
              command: 'contro1-server admin reviewer create',
            },
    fallback_reviewers: unmapped ? admins.map((a) => ({ id: a.id, name: a.name })) : [],
  };
}
