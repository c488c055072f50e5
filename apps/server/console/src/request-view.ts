import { ApiError, api, V1 } from './api.js';
import { h, replace } from './dom.js';
import { type ConsoleRequest, commentNeeded, isFinal, timeLeft } from './model.js';
import {
  agentSection,
  contextSection,
  policySection,
  retrievedSection,
  timelineSection,
  toolSection,
} from './request-sections.js';

const OUTCOME_TEXT: Record<string, string> = {
  approved: 'Approved',
  denied: 'Rejected',
  cancelled: 'Cancelled by the agent',
  timed_out: 'Expired before anyone decided',
  provided_input: 'Answered',
  resolved: 'Resolved',
};

/** Why this reviewer cannot act (or null when they can). */
function banner(r: ConsoleRequest): HTMLElement | null {
  if (isFinal(r)) {
    const by = r.response?.operator?.name ?? r.responded_by;
    const outcome =
      r.type === 'yes_no' && (r.status === 'approved' || r.status === 'denied')
        ? `Answered ${r.status === 'approved' ? 'yes' : 'no'}`
        : (OUTCOME_TEXT[r.status] ?? r.status);
    const text = `${outcome}${by ? ` by ${by}` : ''}${r.responded_at ? ` at ${new Date(r.responded_at).toLocaleString()}` : ''}.`;
    return h(
      'div',
      { class: `banner state-${r.status}`, role: 'status', 'data-banner': r.status },
      h('strong', {}, text),
      typeof r.response?.value === 'string'
        ? h('p', { class: 'prose' }, `Answer: ${r.response.value}`)
        : null,
      r.response?.comment ? h('p', {}, `Comment: ${r.response.comment}`) : null,
    );
  }
  if (!r.can_answer)
    return h(
      'div',
      { class: 'banner state-forbidden', role: 'status', 'data-banner': 'not-your-role' },
      h('strong', {}, 'Not your role: '),
      `this request needs ${r.eligible_reviewers ?? 'another reviewer'}.`,
    );
  return null;
}

/** `/console/requests/:id`: everything needed to decide, then the decision. */
export function requestView(root: HTMLElement, id: string, back: () => void): () => void {
  let current: ConsoleRequest | undefined;
  let comment = '';
  const clock = h('span', { class: 'left', 'aria-live': 'off' });
  const problem = h('p', { class: 'error', role: 'alert', id: 'decision-error' });

  const send = async (body: Record<string, unknown>, approved: boolean | undefined) => {
    if (!current) return;
    problem.textContent = '';
    const needed = commentNeeded(current, approved);
    if (needed && !comment.trim()) {
      problem.textContent = needed;
      root.querySelector<HTMLTextAreaElement>('#comment')?.focus();
      return;
    }
    try {
      await api('POST', `${V1}/operator/queue/${encodeURIComponent(id)}/respond`, {
        ...body,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      comment = '';
      await load(true);
    } catch (e) {
      problem.textContent = e instanceof ApiError ? e.message : 'The decision could not be sent.';
      await load(true);
    }
  };
  const claim = async () => {
    try {
      await api('POST', `${V1}/operator/queue/${encodeURIComponent(id)}/claim`);
      await load(true);
    } catch (e) {
      problem.textContent = e instanceof ApiError ? e.message : 'Could not claim.';
    }
  };

  const actions = (r: ConsoleRequest) => {
    if (!r.can_answer || isFinal(r)) return null;
    const area = h('textarea', {
      id: 'comment',
      rows: '3',
      maxlength: '4000',
      'aria-describedby': 'decision-error',
    });
    area.value = comment;
    area.addEventListener('input', () => {
      comment = area.value;
    });
    const answer = h('input', { id: 'answer', type: 'text', maxlength: '4000' });
    const buttons =
      r.type === 'approval'
        ? [
            h(
              'button',
              { class: 'primary approve', onclick: () => send({ approved: true }, true) },
              'Approve (a)',
            ),
            h(
              'button',
              { class: 'danger reject', onclick: () => send({ approved: false }, false) },
              'Reject (r)',
            ),
          ]
        : r.type === 'yes_no'
          ? [
              h(
                'button',
                { class: 'primary approve', onclick: () => send({ value: true }, true) },
                'Yes (a)',
              ),
              h('button', { class: 'danger reject', onclick: () => send({ value: false }, false) }, 'No (r)'),
            ]
          : [
              h('label', { for: 'answer' }, 'Your answer'),
              answer,
              h(
                'button',
                { class: 'primary approve', onclick: () => send({ value: answer.value }, undefined) },
                'Send answer',
              ),
            ];
    return h(
      'section',
      { class: 'card decide', 'aria-label': 'Decision' },
      h('h2', {}, 'Decision'),
      r.claimed_by_me || r.assigned_to ? null : h('button', { class: 'claim', onclick: claim }, 'Claim (c)'),
      h(
        'label',
        { for: 'comment' },
        commentNeeded(r, true) ? 'Comment (required)' : 'Comment (required to reject)',
      ),
      area,
      h('div', { class: 'buttons' }, ...buttons),
      problem,
    );
  };

  const render = (r: ConsoleRequest) => {
    const risk = r.risk_level
      ? h('span', { class: `badge risk-${r.risk_level}` }, `${r.risk_level} risk`)
      : null;
    replace(
      root,
      h(
        'a',
        {
          href: '/console/',
          class: 'back',
          onclick: (e: Event) => {
            e.preventDefault();
            back();
          },
        },
        '← Queue (Esc)',
      ),
      h('h1', { id: 'question' }, r.question ?? '(no question)'),
      h(
        'p',
        { class: 'meta' },
        risk,
        h('span', { class: 'badge' }, r.type),
        r.priority === 'urgent' ? h('span', { class: 'badge urgent' }, 'urgent') : null,
        clock,
      ),
      banner(r),
      policySection(r),
      toolSection(r),
      actions(r),
      contextSection(r),
      agentSection(r),
      retrievedSection(r),
      timelineSection(r),
    );
    tick();
  };

  const tick = () => {
    if (current) clock.textContent = isFinal(current) ? '' : timeLeft(current.expires_at).text;
  };

  const load = async (force = false) => {
    try {
      const r = await api<ConsoleRequest>('GET', `${V1}/operator/queue/${encodeURIComponent(id)}`);
      const changed =
        !current ||
        current.status !== r.status ||
        current.state !== r.state ||
        current.assigned_to !== r.assigned_to;
      current = r;
      if (changed || force) render(r);
    } catch (e) {
      if (!current)
        replace(
          root,
          h(
            'p',
            { class: 'error', role: 'alert' },
            e instanceof ApiError && e.status === 404
              ? 'No such request in your organisation.'
              : `Could not load: ${(e as Error).message}`,
          ),
        );
    }
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) {
      if (event.key === 'Escape') (event.target as HTMLElement).blur();
      return;
    }
    const click = (selector: string) => root.querySelector<HTMLButtonElement>(selector)?.click();
    if (event.key === 'a') click('button.approve');
    else if (event.key === 'r') click('button.reject');
    else if (event.key === 'c') click('button.claim');
    else if (event.key === 'Escape') back();
    else return;
    event.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  void load();
  const poll = setInterval(load, 2000);
  const second = setInterval(tick, 1000);
  return () => {
    clearInterval(poll);
    clearInterval(second);
    document.removeEventListener('keydown', onKey);
  };
}
