// Account: change the password, turn on two-factor (TOTP, with a QR code and ten recovery codes shown
// once), and API tokens for scripts (the token shown once).

import QrCreator from '/webjars/qr-creator/1.0.0/dist/qr-creator.es6.min.js';
import * as api from './api.js';
import { h, mount, field, input, select, notice, table, toast, confirmDialog, copy, button } from './dom.js';
import { dateTime, relative } from './format.js';

export async function renderAccount(ctx) {
  const { view } = ctx;
  const session = await ctx.refreshSession();
  if (!ctx.alive() || !session) return;
  const passwordBox = passwordCard(ctx);
  const totpBox = h('section', { class: 'card', id: 'totp', 'aria-labelledby': 'totp-title' });
  const tokensBox = h('section', { class: 'card card-flush', id: 'tokens', 'aria-labelledby': 'tokens-title' });

  mount(view,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Account'),
      h('p', {}, `Signed in as ${session.user}${session.role ? ` (${session.role})` : ''}`,
        session.expiresAt ? ` · session ends ${relative(session.expiresAt)}` : ''))),
    session.totpEnabled ? null : session.totpRequired
      ? notice('warn', h('strong', {}, 'Set up two-factor to continue. '), 'This gateway requires a second factor for every user; the other pages open once it is on.')
      : notice('warn', h('strong', {}, 'Two-factor is off. '), 'Anyone with your password can administer this gateway. Turn it on below.'),
    h('div', { class: 'grid-2' }, totpBox, passwordBox),
    tokensBox);
  renderTotp(ctx, totpBox, session);
  try {
    await renderTokens(ctx, tokensBox);
  } catch (error) {
    if (error.status === 401) throw error;
    mount(tokensBox, h('div', { class: 'card-head' }, h('h2', { id: 'tokens-title' }, 'API tokens')),
      h('div', { class: 'card-body' }, notice(error.code === 'enrolment-required' ? 'info' : 'bad',
        error.code === 'enrolment-required' ? 'Set up two-factor first; then you can make API tokens here.' : error.message)));
  }
}

function passwordCard(ctx) {
  const current = field('Current password', input({ type: 'password', autocomplete: 'current-password' }), { name: 'current' });
  const password = field('New password', input({ type: 'password', autocomplete: 'new-password' }),
    { name: 'password', hint: 'A long passphrase is best. Passwords found in known breaches are refused.' });
  const again = field('Repeat the new password', input({ type: 'password', autocomplete: 'new-password' }), { name: 'again' });
  const box = h('div', { hidden: true });
  const fields = { current: current.setError, password: password.setError, again: again.setError };
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, box);
    if (password.input.value !== again.input.value) {
      again.setError('The two passwords differ.');
      return;
    }
    submit.disabled = true;
    try {
      const renewed = await api.post('/account/password', { current: current.input.value, password: password.input.value });
      // The session was renewed: every later change needs its new CSRF token.
      if (renewed && renewed.csrf) api.setCsrf(renewed.csrf);
      form.reset();
      // The gateway ends every session of this user and opens a new one for this browser: its CSRF token is new.
      await ctx.refreshSession();
      toast('Password changed. Your other sessions have ended.');
    } catch (error) {
      api.showProblems(error, fields, box);
    } finally {
      submit.disabled = false;
    }
  } }, box, current.el, password.el, again.el, h('div', { class: 'actions' }, submit));
  return h('section', { class: 'card', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Password'), h('p', { class: 'muted' }, 'Changing it ends your other sessions (other browsers, other devices); this one goes on.'), form);
}

function renderTotp(ctx, box, session) {
  const title = h('h2', { id: 'totp-title' }, 'Two-factor authentication');
  if (session.totpEnabled) {
    const code = field('Code from your app', input({ inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, class: 'mono' }), { name: 'code' });
    const problems = h('div', { hidden: true });
    const form = h('form', { novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      if (!await confirmDialog('Turn off two-factor?', 'Logging in will need only your password.', 'Turn off')) return;
      try {
        await api.del('/account/totp', { body: { code: code.input.value.replace(/\s/g, '') } });
        toast('Two-factor is off.');
        ctx.go(`#/account?t=${Date.now()}`);
      } catch (error) {
        if (!error.problems.length && (error.status === 400 || error.status === 401 || error.status === 403)) error.problems = [{ field: 'code', message: error.message }];
        api.showProblems(error, { code: code.setError }, problems);
      }
    } }, problems, h('div', { class: 'row' }, code.el, h('div', { class: 'field button-field' }, h('button', { type: 'submit', class: 'btn btn-danger' }, 'Turn off'))));
    const left = session.recoveryCodesLeft;
    const renew = h('button', { type: 'button', class: 'btn', id: 'recovery-renew', onclick: async () => {
      api.clearProblems({ code: code.setError }, problems);
      try {
        const answer = await api.post('/account/recovery-codes', { code: code.input.value.replace(/\s/g, '') });
        showRecoveryCodes(ctx, box, title, answer.recoveryCodes || [], false);
      } catch (error) {
        if (!error.problems.length && error.status < 500) error.problems = [{ field: 'code', message: error.message }];
        api.showProblems(error, { code: code.setError }, problems);
      }
    } }, 'New recovery codes');
    mount(box, title,
      h('p', {}, h('span', { class: 'badge badge-ok' }, 'On'), ' Logging in asks for a code from your authenticator app.'),
      left !== undefined && left !== null
        ? h('p', { class: left <= 3 ? 'notice notice-warn' : 'muted small' }, `${left} of 10 recovery codes left.`) : null,
      h('p', { class: 'muted small' }, 'To make new recovery codes, or to turn two-factor off, confirm with a current code.'),
      form);
    form.querySelector('.button-field').prepend(renew);
    session.totpRequired && form.querySelector('.btn-danger').remove();
    return;
  }
  const start = h('button', { type: 'button', class: 'btn btn-primary', id: 'totp-start', onclick: async () => {
    start.disabled = true;
    try {
      const enrolment = await api.post('/account/totp');
      enrol(ctx, box, title, enrolment);
    } catch (error) {
      toast(error.message, 'bad');
      start.disabled = false;
    }
  } }, 'Set up two-factor');
  mount(box, title,
    h('p', {}, h('span', { class: 'badge badge-warn' }, 'Off'), ' Protect this account with an authenticator app (any TOTP app: Aegis, Google Authenticator, 1Password, …).'),
    h('div', { class: 'actions' }, start));
}

function enrol(ctx, box, title, { secret, uri }) {
  const qr = h('div', { class: 'qr', id: 'totp-qr', role: 'img', 'aria-label': 'QR code of the two-factor secret' });
  QrCreator.render({ text: uri, radius: 0, ecLevel: 'M', fill: '#111111', background: '#ffffff', size: 400 }, qr);
  const code = field('Code from the app', input({ inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, class: 'code-input', id: 'totp-code' }), { name: 'code' });
  const problems = h('div', { hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Confirm');
  const form = h('form', { novalidate: true, id: 'totp-confirm', onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems({ code: code.setError }, problems);
    submit.disabled = true;
    try {
      const answer = await api.post('/account/totp/confirm', { code: code.input.value.replace(/\s/g, '') });
      showRecoveryCodes(ctx, box, title, answer.recoveryCodes || []);
    } catch (error) {
      if (!error.problems.length && error.status < 500) error.problems = [{ field: 'code', message: error.message }];
      api.showProblems(error, { code: code.setError }, problems);
      code.input.select();
    } finally {
      submit.disabled = false;
    }
  } }, problems, code.el, h('div', { class: 'actions' }, submit,
    h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => ctx.go(`#/account?t=${Date.now()}`) }, 'Cancel')));

  const grouped = String(secret || '').replace(/(.{4})/g, '$1 ').trim();
  mount(box, title,
    h('ol', { class: 'steps' },
      h('li', {}, 'Scan this code with your authenticator app, or type the secret into it.'),
      h('li', {}, 'Enter the 6-digit code the app shows, to prove it works.')),
    h('div', { class: 'enrol' }, qr,
      h('div', {},
        h('div', { class: 'label' }, 'Secret'),
        h('code', { class: 'secret', id: 'totp-secret' }, grouped),
        button('Copy secret', { class: 'btn btn-small', onclick: () => copy(secret) }),
        form)));
  code.input.focus();
}

function showRecoveryCodes(ctx, box, title, codes, first = true) {
  mount(box, title,
    first ? notice('ok', h('strong', {}, 'Two-factor is on. '), 'From now on, logging in asks for a code from your app.')
      : notice('ok', h('strong', {}, 'New recovery codes made. '), 'The old ones no longer work.'),
    h('h3', {}, 'Your recovery codes'),
    h('p', { class: 'muted' }, 'Each works once, instead of an app code, if you lose your phone. Keep them somewhere safe: they are shown only now.'),
    h('ul', { class: 'codes', id: 'recovery-codes' }, codes.map((c) => h('li', {}, c))),
    h('div', { class: 'actions' },
      button('Copy all', { onclick: () => copy(codes.join('\n')) }),
      button('I have saved them', { class: 'btn btn-primary', onclick: () => ctx.go(`#/account?t=${Date.now()}`) })));
}

async function renderTokens(ctx, box) {
  const tokens = (await api.get('/tokens')) || [];
  if (!ctx.alive()) return;
  const revoke = async (t) => {
    if (!await confirmDialog(`Revoke ${t.name}?`, 'Scripts using this token stop working at once.', 'Revoke')) return;
    try {
      await api.del(`/tokens/${api.seg(t.id)}`);
      toast(`${t.name} revoked.`);
      await renderTokens(ctx, box);
    } catch (error) {
      toast(error.message, 'bad');
    }
  };
  const columns = [
    { label: 'Name', primary: true, render: (t) => h('div', {}, h('span', { class: 'name' }, t.name), ' ',
      h('span', { class: `badge ${t.scope === 'admin' ? 'badge-warn' : ''}` }, t.scope)) },
    { label: 'Owner', render: (t) => t.user || '—' },
    { label: 'Created', render: (t) => h('span', { title: dateTime(t.createdAt) }, relative(t.createdAt)) },
    { label: 'Last used', render: (t) => (t.lastUsed ? h('span', { title: dateTime(t.lastUsed) }, relative(t.lastUsed)) : 'never') },
    { label: 'Actions', actions: true, render: (t) => h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => revoke(t) }, 'Revoke') },
  ];

  const name = field('Token name', input({ placeholder: 'e.g. prometheus' }), { name: 'name', cls: 'grow' });
  const scope = field('Scope', select([['read', 'read — GET only'], ['admin', 'admin — everything']], { value: 'read' }), { name: 'scope' });
  const problems = h('div', { hidden: true });
  const fields = { name: name.setError, scope: scope.setError };
  const created = h('div');
  const form = h('form', { novalidate: true, id: 'token-form', onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, problems);
    try {
      const answer = await api.post('/tokens', { name: name.input.value.trim(), scope: scope.input.value });
      await renderTokens(ctx, box);
      box.querySelector('[data-created]').replaceChildren(h('div', { class: 'once', role: 'status' },
        h('strong', {}, `Token ${answer.name} (${answer.scope}) created. `), 'Copy it now: it is not shown again.',
        h('code', { id: 'new-token' }, answer.token),
        button('Copy token', { class: 'btn btn-small', onclick: () => copy(answer.token) })));
    } catch (error) {
      api.showProblems(error, fields, problems);
    }
  } }, problems, h('div', { class: 'row' }, name.el, scope.el, h('div', { class: 'field button-field' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token'))));
  created.setAttribute('data-created', '');

  mount(box,
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { id: 'tokens-title' }, 'API tokens'),
      h('p', { class: 'muted small' }, 'For scripts, the CLI and Prometheus: send as ', h('code', {}, 'Authorization: Bearer pct_…'), '.'))),
    h('div', { class: 'card-body' }, created, form),
    table(columns, tokens, { empty: 'No tokens yet.', caption: 'API tokens' }));
}
