import { ApiError, api, setCsrf } from './api.js';
import { h, replace } from './dom.js';
import type { Reviewer } from './model.js';

type Session = { reviewer: Reviewer; csrf: string };

/**
 * `/console/login`: a single-use link (`#code=…`) signs in by itself; otherwise the reviewer pastes a token.
 * The code is taken out of the address bar before anything else loads.
 */
export async function signInView(root: HTMLElement, done: (session: Session) => void): Promise<void> {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (code) {
    history.replaceState(null, '', '/console/login');
    replace(root, h('p', {}, 'Signing in…'));
    try {
      return finish(await api<Session>('POST', '/console/auth/link', { code }), done);
    } catch (error) {
      return form(root, done, error instanceof ApiError ? error.message : 'Sign-in failed.');
    }
  }
  form(root, done, null);
}

function finish(session: Session, done: (session: Session) => void) {
  setCsrf(session.csrf);
  done(session);
}

function form(root: HTMLElement, done: (session: Session) => void, problem: string | null) {
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, problem ?? '');
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'signin-error',
  });
  const submit = async (event: Event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      finish(await api<Session>('POST', '/console/auth/token', { token: input.value.trim() }), done);
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : 'Sign-in failed.';
    }
  };
  replace(
    root,
    h(
      'form',
      { class: 'card signin', onsubmit: submit },
      h('h1', {}, 'Sign in to review'),
      h('label', { for: 'token' }, 'Reviewer token (cco_…)'),
      input,
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
      error,
      h(
        'p',
        { class: 'hint' },
        'Or open a sign-in link from your admin (`contro1-server admin reviewer login-link`).',
      ),
    ),
  );
  input.focus();
}
