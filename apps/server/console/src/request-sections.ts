import { api, V1 } from './api.js';
import { h, jsonBlock } from './dom.js';
import type { ConsoleRequest } from './model.js';

const section = (title: string, ...body: (Node | string | null)[]) =>
  h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...body);

/** Why review is needed: risk, the policy trigger and its context, who may decide. */
export function policySection(r: ConsoleRequest): HTMLElement {
  return section(
    'Why review',
    h(
      'dl',
      {},
      h('dt', {}, 'Risk level'),
      h('dd', {}, r.risk_level ?? 'not stated'),
      h('dt', {}, 'Policy trigger'),
      h('dd', {}, r.policy_trigger ?? 'not stated'),
      h('dt', {}, 'Who may decide'),
      h('dd', {}, r.eligible_reviewers ?? 'any reviewer'),
    ),
    r.policy_context ? jsonBlock(r.policy_context, 'Policy context') : null,
  );
}

/** What the agent wants to run, with the raw input exactly as sent. */
export function toolSection(r: ConsoleRequest): HTMLElement | null {
  const calls = r.tool_calls ?? [];
  if (!calls.length) return null;
  return section(
    'Tool calls',
    ...calls.map((call) =>
      h(
        'div',
        { class: 'tool' },
        h(
          'h3',
          {},
          call.name ?? '(unnamed tool)',
          call.outcome ? h('span', { class: 'badge' }, call.outcome) : null,
        ),
        jsonBlock(call.input ?? call.arguments ?? {}, `Raw input of ${call.name ?? 'tool'}`),
      ),
    ),
  );
}

export function contextSection(r: ConsoleRequest): HTMLElement | null {
  if (r.context === undefined || r.context === null) return null;
  return section(
    'Context from the agent',
    typeof r.context === 'string' ? h('p', { class: 'prose' }, r.context) : jsonBlock(r.context, 'Context'),
  );
}

/** The agent as it claims to be, next to what the registry has verified. */
export function agentSection(r: ConsoleRequest): HTMLElement {
  const { claimed, registered } = r.agent_identity ?? {
    claimed: { agent_id: null, agent_name: null },
    registered: null,
  };
  const verified = registered?.verification_status === 'verified';
  return section(
    'Agent',
    h(
      'dl',
      {},
      h('dt', {}, 'Claims to be'),
      h('dd', {}, claimed.agent_name ?? claimed.agent_id ?? 'unknown'),
      h('dt', {}, 'Registry'),
      h(
        'dd',
        {},
        registered
          ? h(
              'span',
              { class: verified ? 'badge ok' : 'badge warn' },
              `${registered.name} — ${verified ? 'verified' : 'claimed, not verified'}`,
            )
          : h('span', { class: 'badge warn' }, 'not registered'),
      ),
    ),
    ...(r.sub_agents ?? []).map((s) =>
      h('p', {}, `Sub-agent ${s.name ?? s.agent_id ?? '?'} (${s.verification ?? 'claimed'})`),
    ),
  );
}

export function retrievedSection(r: ConsoleRequest): HTMLElement | null {
  const items = r.retrieved_context ?? [];
  if (!items.length) return null;
  return section(
    'Retrieved context',
    h(
      'ul',
      {},
      ...items.map((c) =>
        h(
          'li',
          {},
          h('strong', {}, c.source ?? 'source'),
          c.uri ? h('span', { class: 'uri' }, ` ${c.uri}`) : null,
          c.snippet ? h('p', { class: 'prose' }, c.snippet) : null,
        ),
      ),
    ),
  );
}

/** The request's own history followed by its case (or thread) timeline. */
export function timelineSection(r: ConsoleRequest): HTMLElement {
  const list = h('ol', { class: 'timeline' });
  for (const s of r.state_history ?? [])
    list.append(
      h(
        'li',
        {},
        h('time', {}, new Date(s.timestamp).toLocaleString()),
        ` ${s.state}`,
        s.actor ? ` (${s.actor})` : '',
      ),
    );
  const key = r.correlation_id ? `cases/${r.correlation_id}` : r.thread_id ? `threads/${r.thread_id}` : null;
  const related = h('ol', { class: 'timeline' });
  if (key) {
    void api<{
      items: {
        kind: string;
        at: string;
        action?: string;
        question?: string;
        summary?: string;
        request_id?: string;
      }[];
    }>('GET', `${V1}/${key.split('/').map(encodeURIComponent).join('/')}`)
      .then(({ items }) => {
        for (const item of items) {
          if (item.request_id === r.request_id) continue;
          const what =
            item.kind === 'request'
              ? `request: ${item.question ?? ''}`
              : `${item.action ?? ''} ${item.summary ?? ''}`;
          related.append(h('li', {}, h('time', {}, new Date(item.at).toLocaleString()), ` ${what}`));
        }
      })
      .catch(() => related.append(h('li', {}, 'The case timeline could not be loaded.')));
  }
  return section('Timeline', list, key ? h('h3', {}, 'Same case') : null, key ? related : null);
}
