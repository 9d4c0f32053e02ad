// First-run setup: the gateway prints https://host:9443/#/setup?token=...; this page makes the first
// administrator with that token.

import * as api from './api.js';
import { h, mount, field, input, notice } from './dom.js';

export function authFrame(...children) {
  return h('div', { class: 'auth-wrap' }, h('div', { class: 'auth' },
    h('div', { class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), h('span', {}, 'Portcullis')),
    ...children));
}

export async function renderSetup(ctx) {
  const { view, query } = ctx;
  let needed = true;
  try {
    needed = Boolean((await api.get('/setup')).needed);
  } catch (error) {
    mount(view, authFrame(notice('bad', error.message)));
    return;
  }
  if (!needed) {
    mount(view, authFrame(h('div', { class: 'card' },
      h('h1', {}, 'Setup is done'),
      h('p', { class: 'muted' }, 'This gateway already has an administrator.'),
      h('a', { class: 'btn btn-primary btn-block', href: '#/login' }, 'Log in'))));
    return;
  }

  const token = field('Setup token', input({ value: query.token || '', required: true }),
    { name: 'token', hint: 'Printed by the gateway at its first start, in the setup link.' });
  if (query.token) token.el.hidden = true;
  const user = field('User name', input({ autocomplete: 'username', required: true, autocapitalize: 'none' }), { name: 'user' });
  const password = field('Password', input({ type: 'password', autocomplete: 'new-password', required: true }),
    { name: 'password', hint: 'A long passphrase is best. Passwords found in known breaches are refused.' });
  const again = field('Repeat the password', input({ type: 'password', autocomplete: 'new-password', required: true }), { name: 'again' });
  const box = h('div', { hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Create administrator');
  const fields = { token: token.setError, user: user.setError, password: password.setError, again: again.setError };

  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, box);
    if (password.input.value !== again.input.value) {
      again.setError('The two passwords differ.');
      again.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.post('/setup', { token: token.input.value.trim(), user: user.input.value.trim(), password: password.input.value });
      ctx.go(`#/login?user=${encodeURIComponent(user.input.value.trim())}&created=1`);
    } catch (error) {
      api.showProblems(error, fields, box);
      if (error.problems.some((p) => p.field === 'token')) token.el.hidden = false;
    } finally {
      submit.disabled = false;
    }
  } }, box, token.el, user.el, password.el, again.el, submit);

  mount(view, authFrame(h('div', { class: 'card' },
    h('h1', {}, 'Welcome'),
    h('p', { class: 'muted' }, 'Create the first administrator of this gateway. You will set up a second factor right after.'),
    query.token ? null : notice('info', 'Open the setup link the gateway printed at its first start, or paste its token below.'),
    form)));
  (query.token ? user.input : token.input).focus();
}
