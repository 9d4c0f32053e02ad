// Users (administrators only): who may log in, with which role.

import * as api from './api.js';
import { h, mount, field, input, select, table, toast, confirmDialog } from './dom.js';
import { dateTime, relative } from './format.js';

export async function renderUsers(ctx) {
  const { view } = ctx;
  const users = (await api.get('/users')) || [];
  if (!ctx.alive()) return;
  users.sort((a, b) => a.name.localeCompare(b.name));

  const remove = async (u) => {
    if (!await confirmDialog(`Delete ${u.name}?`, 'They can no longer log in; their API tokens stop working.', 'Delete user')) return;
    try {
      await api.del(`/users/${api.seg(u.name)}`);
      toast(`${u.name} deleted.`);
      ctx.go(`#/users?t=${Date.now()}`);
    } catch (error) {
      toast(error.message, 'bad');
    }
  };

  const columns = [
    { label: 'User', primary: true, render: (u) => h('div', {}, h('span', { class: 'name' }, u.name), ' ',
      h('span', { class: `badge ${u.role === 'admin' ? 'badge-accent' : ''}` }, u.role || 'user'),
      u.name === ctx.session.user ? h('span', { class: 'muted small' }, ' (you)') : null) },
    { label: 'Two-factor', render: (u) => (u.totpEnabled ? h('span', { class: 'badge badge-ok' }, 'on') : h('span', { class: 'badge badge-warn' }, 'off')) },
    { label: 'Created', render: (u) => h('span', { title: dateTime(u.createdAt) }, dateTime(u.createdAt)) },
    { label: 'Last login', render: (u) => (u.lastLogin ? h('span', { title: dateTime(u.lastLogin) }, relative(u.lastLogin)) : 'never') },
    { label: 'Actions', actions: true, render: (u) => (u.name === ctx.session.user ? null
      : h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(u) }, 'Delete')) },
  ];

  const name = field('User name', input({ autocapitalize: 'none' }), { name: 'name' });
  const password = field('Password', input({ type: 'password', autocomplete: 'new-password' }), { name: 'password', hint: 'They can change it after logging in.' });
  const role = field('Role', select([['viewer', 'viewer — read only'], ['admin', 'admin — everything']], { value: 'viewer' }), { name: 'role' });
  const problems = h('div', { hidden: true });
  const fields = { name: name.setError, password: password.setError, role: role.setError };
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, problems);
    try {
      await api.post('/users', { name: name.input.value.trim(), password: password.input.value, role: role.input.value });
      toast(`${name.input.value.trim()} added.`);
      ctx.go(`#/users?t=${Date.now()}`);
    } catch (error) {
      api.showProblems(error, fields, problems);
    }
  } }, problems, h('div', { class: 'row' }, name.el, password.el, role.el), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add user')));

  mount(view,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Users'), h('p', {}, 'Who may administer this gateway.'))),
    h('section', { class: 'card card-flush' }, table(columns, users, { caption: 'Users' })),
    h('section', { class: 'card' }, h('h2', {}, 'Add a user'), h('p', { class: 'muted' }, 'New users set up their own two-factor on their account page.'), form));
}
