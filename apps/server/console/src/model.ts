/** The parts of the operator API's request view the console reads. */
export interface ConsoleRequest {
  request_id: string;
  type: 'approval' | 'yes_no' | 'free_text';
  question?: string;
  context?: unknown;
  status: string;
  state: string;
  priority?: string;
  risk_level?: string;
  policy_trigger?: string;
  policy_context?: unknown;
  required_role?: string;
  approval_comment_required?: boolean;
  decision_comment_policy?: string;
  tool_calls?: { name?: string; input?: unknown; arguments?: unknown; outcome?: string }[];
  retrieved_context?: { source?: string; uri?: string; snippet?: string; score?: number }[];
  sub_agents?: { agent_id?: string; name?: string; verification?: string }[];
  correlation_id?: string;
  thread_id?: string;
  expires_at: string;
  created_at: string;
  responded_by?: string | null;
  responded_at?: string | null;
  response?: { comment?: string; value?: unknown; operator?: { name?: string } } | null;
  approval_records?: { operator_name_snapshot?: string; decision?: string; comment?: string }[];
  state_history?: { state: string; timestamp: string; actor?: string }[];
  assigned_to?: string | null;
  can_answer: boolean;
  claimed_by_me: boolean;
  eligible_reviewers?: string;
  agent_identity?: {
    claimed: { agent_id: string | null; agent_name: string | null };
    registered: { name: string; framework: string | null; verification_status: string } | null;
  };
}

export interface Reviewer {
  id: string;
  name: string;
  roles: string[];
  is_admin: boolean;
}

export const isFinal = (r: ConsoleRequest) => r.status !== 'pending' && r.status !== 'in_review';

/** Mirrors the server's comment rules (section 3c) so the page says what is missing before sending. */
export function commentNeeded(r: ConsoleRequest, approved: boolean | undefined): string | null {
  if (r.type === 'free_text') return null;
  if (approved === false) return 'A rejection needs a comment saying why.';
  if (r.approval_comment_required === true || r.decision_comment_policy === 'always')
    return 'This request requires a comment with the decision.';
  const risky = r.risk_level === 'high' || r.risk_level === 'critical';
  if (risky && r.decision_comment_policy !== 'optional')
    return `A ${r.risk_level}-risk decision needs a comment.`;
  return null;
}

export function timeLeft(expiresAt: string, now = Date.now()): { text: string; urgent: boolean } {
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return { text: 'expired', urgent: true };
  const min = Math.floor(ms / 60_000);
  const text =
    min >= 120
      ? `${Math.floor(min / 60)} h left`
      : min >= 1
        ? `${min} min left`
        : `${Math.ceil(ms / 1000)} s left`;
  return { text, urgent: ms < 5 * 60_000 };
}
