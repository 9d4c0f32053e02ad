// Log in: password first, then a TOTP code (or a recovery code) when the answer says state "totp".

import * as api from './api.js';
import { h, mount, field, input, notice } from './dom.js';
import { authFrame } from './setup.js';

export async function renderLogin(ctx) {
  const { view, query } = ctx;
  let setupNeeded = false;
  try {
    setupNeeded = Boolean((await api.get('/setup')).needed);
  } catch {
    // The login form below reports an unreachable gateway itself.
  }
  if (setupNeeded) {
    mount(view, authFrame(h('div', { class: 'card' },
      h('h1', {}, 'Not set up yet'),
      h('p', { class: 'muted' }, 'This gateway has no administrator. Open the setup link it printed at its first start; it ends in ',
        h('code', {}, '#/setup?token=…'), '.'),
      h('a', { class: 'btn btn-block', href: '#/setup' }, 'I have the token'))));
    return;
  }
  passwordStep(ctx, query.created ? notice('ok', 'Administrator created. Log in to continue.') : null);
}

function passwordStep(ctx, banner) {
  const { view, query } = ctx;
  const user = field('User name', input({ autocomplete: 'username', value: query.user || '', required: true, autocapitalize: 'none' }), { name: 'user' });
  const password = field('Password', input({ type: 'password', autocomplete: 'current-password', required: true }), { name: 'password' });
  const box = h('div', { hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Log in');
  const fields = { user: user.setError, password: password.setError };

  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, box);
    submit.disabled = true;
    try {
      const answer = await api.post('/login', { user: user.input.value.trim(), password: password.input.value });
      api.setCsrf(answer.csrf);
      if (answer.state === 'totp') secondStep(ctx, answer.user || user.input.value.trim());
      else await ctx.signedIn(query.next);
    } catch (error) {
      api.showProblems(error, fields, box);
      password.input.select();
    } finally {
      submit.disabled = false;
    }
  } }, box, user.el, password.el, submit);

  mount(view, authFrame(h('div', { class: 'card' },
    h('h1', {}, 'Log in'),
    h('p', { class: 'muted' }, 'Administration of this gateway.'),
    banner, form)));
  (user.input.value ? password.input : user.input).focus();
}

function secondStep(ctx, userName) {
  const { view, query } = ctx;
  let recovery = false;
  const code = field('Code from your authenticator app',
    input({ inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]*', maxlength: 6, class: 'code-input', required: true }),
    { name: 'code' });
  const recoveryCode = field('Recovery code', input({ autocomplete: 'off', class: 'mono', required: true }),
    { name: 'recoveryCode', hint: 'One of the ten codes you saved when you set up two-factor. Each works once.' });
  recoveryCode.el.hidden = true;
  const box = h('div', { hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Verify');
  const fields = { code: code.setError, recoveryCode: recoveryCode.setError };
  const toggle = h('button', { type: 'button', class: 'link-button small', onclick: () => {
    recovery = !recovery;
    code.el.hidden = recovery;
    recoveryCode.el.hidden = !recovery;
    toggle.textContent = recovery ? 'Use a code from the app instead' : 'Use a recovery code instead';
    (recovery ? recoveryCode.input : code.input).focus();
  } }, 'Use a recovery code instead');

  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, box);
    submit.disabled = true;
    try {
      const body = recovery ? { recoveryCode: recoveryCode.input.value.trim() } : { code: code.input.value.replace(/\s/g, '') };
      const answer = await api.post('/login/totp', body);
      api.setCsrf(answer.csrf);
      await ctx.signedIn(query.next);
    } catch (error) {
      if (error.status === 401 && !error.problems.length) {
        error.problems = [{ field: recovery ? 'recoveryCode' : 'code', message: error.message }];
      }
      api.showProblems(error, fields, box);
      (recovery ? recoveryCode.input : code.input).select();
    } finally {
      submit.disabled = false;
    }
  } }, box, code.el, recoveryCode.el, submit);

  mount(view, authFrame(h('div', { class: 'card' },
    h('h1', {}, 'Two-factor check'),
    h('p', { class: 'muted' }, `Password accepted for ${userName}. Enter the 6-digit code your authenticator app shows now.`),
    form,
    h('div', { class: 'actions' }, toggle,
      h('button', { type: 'button', class: 'link-button small', onclick: () => passwordStep(ctx, null) }, 'Start over')))));
  code.input.focus();
}
