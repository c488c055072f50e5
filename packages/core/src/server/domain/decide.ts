import type { JsonObject } from '../../protocol/common.js';
import { fromLegacyRequest, isTerminalState } from '../../protocol/status.js';
import { HttpError } from '../http/http-error.js';
import type { NewDelivery, RequestRecord, ReviewerRecord } from '../model.js';
import type { Mutation } from '../store/store.js';
import { type EffectivePolicy, type PolicyContext, quorum } from './policy.js';
import { buildWebhookBody, eventIdFor } from './webhook-body.js';

export interface Answer {
  approved?: boolean;
  value?: boolean | string;
  comment?: string;
  reason?: string;
  /** Replacement tool arguments, allowed only when the request set `metadata.allow_edit`. */
  edited_input?: Record<string, unknown>;
}

export type OutcomeStatus = 'approved' | 'denied' | 'provided_input' | 'cancelled' | 'timed_out';

interface FinalOutcome {
  status: OutcomeStatus;
  state: 'answered' | 'cancelled' | 'expired';
  actor: string;
  response: JsonObject | null;
  respondedBy: string | null;
  now: number;
  newDeliveryId: () => string;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Writes a final outcome onto the record, with the outbox row for its webhook when there is a callback URL.
 * Answered requests with a callback go straight to `callback_pending` (14.1).
 */
export function finalise(
  current: RequestRecord,
  outcome: FinalOutcome,
): { next: RequestRecord; delivery?: NewDelivery } {
  const at = new Date(outcome.now).toISOString();
  const hasCallback = Boolean(current.callback_url);
  const history = [...current.state_history, { state: outcome.state, timestamp: at, actor: outcome.actor }];
  let state: string = outcome.state;
  if (outcome.state === 'answered' && hasCallback) {
    state = 'callback_pending';
    history.push({ state, timestamp: at, actor: 'system' });
  }
  // Object.assign rather than a spread followed by literal properties, which V8 defines one by one in the runtime.
  const next: RequestRecord = Object.assign({}, current, {
    state,
    status: outcome.status,
    callback_state: hasCallback ? ('pending' as const) : ('none' as const),
    response: outcome.response,
    responded_by: outcome.respondedBy,
    responded_at: outcome.state === 'answered' ? at : null,
    state_history: history,
    updated_at: at,
  });
  next.protocol_response = Object.assign(fromLegacyRequest(Object.assign({}, next, { responded_at: at })), {
    status: outcome.status,
  });
  if (!hasCallback) return { next };
  return {
    next,
    delivery: {
      id: outcome.newDeliveryId(),
      org_id: current.org_id,
      request_id: current.id,
      event_id: eventIdFor(next),
      url: current.callback_url as string,
      body: buildWebhookBody(next),
      created_at: outcome.now,
    },
  };
}

function outcomeOfAnswer(
  record: RequestRecord,
  answer: Answer,
): { status: OutcomeStatus; approved?: boolean } {
  if (record.type === 'free_text') {
    if (!text(answer.value))
      throw new HttpError('invalid_request', 'A free_text answer needs a non-empty value');
    return { status: 'provided_input' };
  }
  const flag =
    record.type === 'yes_no' ? (answer.value ?? answer.approved) : (answer.approved ?? answer.value);
  if (typeof flag !== 'boolean') {
    throw new HttpError(
      'invalid_request',
      record.type === 'yes_no'
        ? 'A yes_no answer needs value: true or false'
        : 'An approval answer needs approved: true or false',
    );
  }
  return { status: flag ? 'approved' : 'denied', approved: flag };
}

/** Comment rules of section 3c, enforced on the server. */
function checkComment(
  record: RequestRecord,
  approved: boolean | undefined,
  comment: string | undefined,
): void {
  if (record.type === 'free_text' || comment) return;
  if (approved === false) throw new HttpError('invalid_request', 'A rejection needs a comment saying why');
  const risky = record.risk_level === 'high' || record.risk_level === 'critical';
  if (record.approval_comment_required === true || record.decision_comment_policy === 'always') {
    throw new HttpError('invalid_request', 'This request requires a comment with the decision');
  }
  if (risky && record.decision_comment_policy !== 'optional') {
    throw new HttpError('invalid_request', `A ${record.risk_level}-risk decision needs a comment`);
  }
}

type ApprovalEntry = { operator_id?: string; decision?: string };

function sameAnswer(
  record: RequestRecord,
  reviewer: ReviewerRecord,
  status: OutcomeStatus,
  value: unknown,
): boolean {
  if (record.type === 'free_text') {
    const response = (record.response as { operator?: { id?: string }; value?: unknown } | null) ?? null;
    return response?.operator?.id === reviewer.id && record.status === status && response.value === value;
  }
  const decision = status === 'approved' ? 'approved' : 'denied';
  return (
    record.status === status &&
    ((record.approval_records as ApprovalEntry[] | undefined) ?? []).some(
      (a) => a.operator_id === reviewer.id && a.decision === decision,
    )
  );
}

/** What the policy check needs inside the transaction: the request's policy and the organisation's reviewers. */
export interface PolicyInput {
  policy: EffectivePolicy;
  ctx: PolicyContext;
  reviewers: ReadonlyMap<string, ReviewerRecord>;
}

/**
 * A reviewer's answer as one transactional mutation. First writer wins: the same reviewer repeating the same answer
 * changes nothing (`changed: false`); any other answer to a final request is a 409. Under a quorum policy an
 * approval that does not complete the quorum is recorded (`partial: true`) and the request stays open; the first
 * rejection ends it.
 */
export function answerMutation(
  reviewer: ReviewerRecord,
  answer: Answer,
  now: number,
  newDeliveryId: () => string,
  policy: PolicyInput,
): (current: RequestRecord) => Mutation<{ record: RequestRecord; changed: boolean; partial: boolean }> {
  return (current) => {
    const { status, approved } = outcomeOfAnswer(current, answer);
    if (isTerminalState(current.state)) {
      if (sameAnswer(current, reviewer, status, answer.value))
        return { result: { record: current, changed: false, partial: false } };
      throw new HttpError('conflict', `Request already has a final outcome (${current.status})`);
    }
    const previous = (current.approval_records as (JsonObject & ApprovalEntry)[] | undefined) ?? [];
    if (
      approved !== false &&
      previous.some((a) => a.operator_id === reviewer.id && a.decision === 'approved')
    ) {
      throw new HttpError(
        'conflict',
        'You already approved this request; the same reviewer never counts twice',
      );
    }
    const comment = text(answer.comment) ?? text(answer.reason);
    checkComment(current, approved, comment);
    if (answer.edited_input) {
      if ((current.metadata as { allow_edit?: unknown } | undefined)?.allow_edit !== true) {
        throw new HttpError('invalid_request', 'This request does not allow edited arguments');
      }
      if (approved !== true) throw new HttpError('invalid_request', 'Edited arguments come with an approval');
    }
    const at = new Date(now).toISOString();
    const withRecord: RequestRecord = {
      ...current,
      approval_records: [
        ...previous,
        {
          operator_id: reviewer.id,
          operator_name_snapshot: reviewer.name,
          decision: approved === false ? 'denied' : 'approved',
          ...(comment ? { comment } : {}),
          created_at: at,
        },
      ],
    };
    if (approved === true && current.type === 'approval') {
      const approvers = [
        ...new Set([
          ...previous.filter((a) => a.decision === 'approved').map((a) => a.operator_id),
          reviewer.id,
        ]),
      ]
        .map((id) => policy.reviewers.get(id as string) ?? (id === reviewer.id ? reviewer : undefined))
        .filter((r): r is ReviewerRecord => r !== undefined);
      const progress = quorum(policy.policy, approvers, policy.ctx);
      if (!progress.met) {
        const next: RequestRecord = {
          ...withRecord,
          state: 'assigned',
          status: 'in_review',
          updated_at: at,
          state_history: [
            ...current.state_history,
            {
              state: 'assigned',
              timestamp: at,
              actor: reviewer.id,
              details: { partial_approval: approvers.length, missing: progress.missing },
            },
          ],
        };
        return { next, result: { record: next, changed: true, partial: true } };
      }
    }
    const response: JsonObject = {
      ...(approved !== undefined && current.type === 'approval' ? { approved } : {}),
      ...(answer.value !== undefined && current.type !== 'approval' ? { value: answer.value } : {}),
      ...(comment ? { comment } : {}),
      ...(answer.edited_input ? { edited_input: answer.edited_input } : {}),
      decision_type: current.type === 'free_text' ? 'respond' : approved ? 'approve' : 'reject',
      operator: { id: reviewer.id, name: reviewer.name },
      responded_by: reviewer.name,
    };
    const { next, delivery } = finalise(withRecord, {
      status,
      state: 'answered',
      actor: reviewer.id,
      response,
      respondedBy: reviewer.name,
      now,
      newDeliveryId,
    });
    return {
      next,
      ...(delivery ? { delivery } : {}),
      result: { record: next, changed: true, partial: false },
    };
  };
}

/** Cancel (agent) or expiry (timer): final without an answer; refused once the request is final. */
export function closeMutation(
  kind: 'cancelled' | 'timed_out',
  actor: string,
  now: number,
  newDeliveryId: () => string,
): (current: RequestRecord) => Mutation<{ record: RequestRecord; changed: boolean }> {
  return (current) => {
    if (isTerminalState(current.state)) return { result: { record: current, changed: false } };
    const { next, delivery } = finalise(current, {
      status: kind,
      state: kind === 'cancelled' ? 'cancelled' : 'expired',
      actor,
      response: null,
      respondedBy: null,
      now,
      newDeliveryId,
    });
    return { next, ...(delivery ? { delivery } : {}), result: { record: next, changed: true } };
  };
}
