import { session } from './api';
import { $, status } from './dom';

const ASK = 'This gateway needs a bearer token (AUTH_MODE=jwt): paste one in “Bearer token” above.';

/**
 * AUTH_MODE=jwt: the token is asked for at once, kept for the tab's session, sent on every call
 * (api.ts, and the event stream), and every 401 or 403 is explained at the top of the page.
 */
export function wireToken(afterChange: () => void) {
  const note = (text: string) => {
    $('auth-note').textContent = text;
    $('auth-note').hidden = text === '';
  };
  session.token = sessionStorage.getItem('console-token') ?? '';
  session.onRefused = (code, detail) =>
    note(
      !session.token
        ? `${ASK} (${code}: ${detail})`
        : code === 401
          ? `The gateway refused the token (401: ${detail}). Paste a valid one in “Bearer token” above.`
          : `The token is valid but does not allow this (403: ${detail}).`,
    );
  if (document.body.dataset.auth === 'jwt' && !session.token) {
    note(ASK);
    $('token').focus();
  }
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    session.token = $<HTMLInputElement>('token').value.trim();
    sessionStorage.setItem('console-token', session.token);
    note('');
    status('Token set.');
    afterChange();
  });
}
