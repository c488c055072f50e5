import type { RequestRecord } from '../model.js';

const FINAL_STATES = [
  'answered',
  'callback_pending',
  'callback_delivered',
  'callback_failed',
  'closed',
  'expired',
  'cancelled',
];

/** Answered requests show delivery progress in `state`; cancelled and expired ones keep their state. */
export const CALLBACK_TRACKED = ['answered', 'callback_pending', 'callback_delivered', 'callback_failed'];

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/** Opaque page positions shared by both stores. */
export const encodeCursor = (parts: (string | number)[]) =>
  Buffer.from(parts.join('|')).toString('base64url');
export const decodeCursor = (cursor: string | undefined): string[] | undefined =>
  cursor ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : undefined;

/** The indexed columns of a request row, derived from the record (the record itself is the `data` column). */
export function requestColumns(r: RequestRecord) {
  return {
    id: r.id,
    org_id: r.org_id,
    dedupe_key: r.dedupe_key,
    state: r.state,
    callback_state: r.callback_state,
    final: FINAL_STATES.includes(r.state) ? 1 : 0,
    agent_id: (r.agent_id as string | null | undefined) ?? null,
    thread_id: (r.thread_id as string | null | undefined) ?? null,
    correlation_id: (r.correlation_id as string | null | undefined) ?? null,
    trace_id: (r.trace_id as string | null | undefined) ?? null,
    created_at: ms(r.created_at) ?? 0,
    expires_at: ms(r.expires_at) ?? 0,
    decided_at: ms(r.responded_at),
    data: JSON.stringify(r),
  };
}

/** The record after a delivery attempt: callback state, and `state` for answered requests. */
export function afterAttempt(
  current: RequestRecord,
  callbackState: RequestRecord['callback_state'],
  requestState: string | undefined,
  at: string,
): RequestRecord {
  // Object.assign, not a spread followed by properties: V8 defines those one by one in the runtime (hot path).
  const next: RequestRecord = Object.assign({}, current, { callback_state: callbackState, updated_at: at });
  if (requestState && CALLBACK_TRACKED.includes(next.state) && next.state !== requestState) {
    next.state = requestState;
    next.state_history = [...current.state_history, { state: requestState, timestamp: at, actor: 'system' }];
  }
  return next;
}
