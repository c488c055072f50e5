import { ApiError, api, setCsrf } from './api.js';
import { h, replace } from './dom.js';
import type { Reviewer } from './model.js';
import { queueView } from './queue-view.js';
import { requestView } from './request-view.js';
import { signInView } from './sign-in-view.js';

const root = document.getElementById('app') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
let leave: (() => void) | undefined;

function go(path: string) {
  history.pushState(null, '', path);
  void route();
}

async function signOut() {
  await api('POST', '/console/auth/logout').catch(() => undefined);
  setCsrf(null);
  go('/console/login');
}

function showWho(reviewer: Reviewer | null) {
  if (!reviewer) return replace(who);
  const roles = reviewer.roles.length ? reviewer.roles.join(', ') : reviewer.is_admin ? 'admin' : 'no roles';
  replace(who, `${reviewer.name} (${roles}) `, h('button', { class: 'link', onclick: signOut }, 'Sign out'));
}

async function route() {
  leave?.();
  leave = undefined;
  const path = location.pathname;
  if (path === '/console/login') {
    showWho(null);
    return signInView(root, ({ reviewer }) => {
      showWho(reviewer);
      go('/console/');
    });
  }
  try {
    const session = await api<{ reviewer: Reviewer; csrf: string }>('GET', '/console/auth/session');
    setCsrf(session.csrf);
    showWho(session.reviewer);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return go('/console/login');
    return replace(
      root,
      h(
        'p',
        { class: 'error', role: 'alert' },
        `The console cannot reach the server: ${(e as Error).message}`,
      ),
    );
  }
  const match = /^\/console\/requests\/([^/]+)$/.exec(path);
  document.title = match ? 'Request · Contro1' : 'Queue · Contro1';
  leave = match?.[1]
    ? requestView(root, decodeURIComponent(match[1]), () => go('/console/'))
    : queueView(root, (id) => go(`/console/requests/${encodeURIComponent(id)}`));
  root.focus();
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a[data-nav]');
  if (link instanceof HTMLAnchorElement) {
    event.preventDefault();
    go(link.pathname);
  }
});
window.addEventListener('popstate', () => void route());
void route();
