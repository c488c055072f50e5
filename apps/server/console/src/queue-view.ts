import { api, V1 } from './api.js';
import { h, replace } from './dom.js';
import { type ConsoleRequest, isFinal, timeLeft } from './model.js';

const STATE_LABELS: Record<string, string> = {
  pending: 'Waiting',
  in_review: 'In review',
  approved: 'Approved',
  denied: 'Rejected',
  cancelled: 'Cancelled',
  timed_out: 'Expired',
  provided_input: 'Answered',
  resolved: 'Resolved',
};

/** The requests this reviewer may decide, most urgent first, refreshed every two seconds. */
export function queueView(root: HTMLElement, open: (id: string) => void): () => void {
  const counts = h('ul', { class: 'counts', 'aria-live': 'polite', 'aria-label': 'Counts per state' });
  const list = h('ol', { class: 'queue', 'aria-label': 'Requests waiting for you' });
  const decided = h('ol', { class: 'queue decided', 'aria-label': 'Recently decided by you' });
  const status = h('p', { class: 'error', role: 'alert' });
  replace(
    root,
    h('h1', {}, 'Queue'),
    counts,
    status,
    list,
    h('h2', {}, 'Recently decided by you'),
    decided,
    h('p', { class: 'hint' }, 'Keys: j / k move, Enter opens.'),
  );

  const row = (r: ConsoleRequest) => {
    const left = timeLeft(r.expires_at);
    return h(
      'li',
      { 'data-request-id': r.request_id },
      h(
        'a',
        {
          href: `/console/requests/${encodeURIComponent(r.request_id)}`,
          class: 'row',
          onclick: nav(r, open),
        },
        h('span', { class: 'question' }, r.question ?? '(no question)'),
        h(
          'span',
          { class: 'meta' },
          r.priority === 'urgent' ? h('span', { class: 'badge urgent' }, 'urgent') : null,
          r.risk_level ? h('span', { class: `badge risk-${r.risk_level}` }, `${r.risk_level} risk`) : null,
          h('span', { class: 'badge' }, STATE_LABELS[r.status] ?? r.status),
          isFinal(r) ? null : h('span', { class: left.urgent ? 'left urgent' : 'left' }, left.text),
        ),
      ),
    );
  };

  const refresh = async () => {
    try {
      const [queue, mine] = await Promise.all([
        api<ConsoleRequest[]>('GET', `${V1}/operator/queue`),
        api<ConsoleRequest[]>('GET', `${V1}/operator/my-requests`),
      ]);
      const done = mine.filter(isFinal);
      const tally = new Map<string, number>();
      for (const r of [...queue, ...done]) tally.set(r.status, (tally.get(r.status) ?? 0) + 1);
      replace(
        counts,
        ...[...tally].map(([state, n]) =>
          h('li', { 'data-state': state }, `${STATE_LABELS[state] ?? state}: ${n}`),
        ),
      );
      const focused = (document.activeElement?.closest('li') as HTMLElement | null)?.dataset.requestId;
      replace(
        list,
        ...(queue.length ? queue.map(row) : [h('li', { class: 'empty' }, 'Nothing is waiting for you.')]),
      );
      replace(decided, ...done.slice(0, 20).map(row));
      if (focused) list.querySelector<HTMLElement>(`li[data-request-id="${CSS.escape(focused)}"] a`)?.focus();
      status.textContent = '';
    } catch (e) {
      status.textContent = `Could not refresh the queue: ${(e as Error).message}`;
    }
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
    if (event.key !== 'j' && event.key !== 'k') return;
    const links = [...list.querySelectorAll<HTMLAnchorElement>('a.row')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === 'j' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next]?.focus();
  };
  document.addEventListener('keydown', onKey);
  void refresh();
  const timer = setInterval(refresh, 2000);
  return () => {
    clearInterval(timer);
    document.removeEventListener('keydown', onKey);
  };
}

const nav = (r: ConsoleRequest, open: (id: string) => void) => (event: Event) => {
  event.preventDefault();
  open(r.request_id);
};
