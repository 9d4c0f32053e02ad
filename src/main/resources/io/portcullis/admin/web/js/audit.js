// The audit log: who did what, when, from where; filtered, and paged with the server's cursor.

import * as api from './api.js';
import { h, mount, field, input, select, table, notice } from './dom.js';
import { dateTime } from './format.js';

export async function renderAudit(ctx) {
  const { view, query } = ctx;
  const toIso = (local) => (local ? new Date(local).toISOString() : '');
  const toLocal = (iso) => {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const actor = field('Actor', input({ value: query.actor || '', placeholder: 'user or token' }), { name: 'actor' });
  const action = field('Action', input({ value: query.action || '', placeholder: 'e.g. forward.create' }), { name: 'action' });
  const since = field('Since', input({ type: 'datetime-local', value: toLocal(query.since) }), { name: 'since' });
  const until = field('Until', input({ type: 'datetime-local', value: toLocal(query.until) }), { name: 'until' });
  const limit = field('Per page', select([['25', '25'], ['50', '50'], ['100', '100']], { value: query.limit || '50' }), { name: 'limit' });
  const filters = () => ({
    actor: actor.input.value.trim(), action: action.input.value.trim(),
    since: toIso(since.input.value), until: toIso(until.input.value), limit: limit.input.value,
  });
  const hashFor = (params) => `#/audit?${new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString()}`;

  const form = h('form', { class: 'toolbar', onsubmit: (event) => {
    event.preventDefault();
    ctx.go(hashFor(filters()));
  } }, actor.el, action.el, since.el, until.el, limit.el,
  h('div', { class: 'field button-field' }, h('button', { type: 'submit', class: 'btn' }, 'Apply')));

  const params = { actor: query.actor, action: query.action, since: query.since, until: query.until, limit: query.limit || '50', after: query.after };
  let page;
  let failure = null;
  try {
    page = await api.get('/audit', params);
  } catch (error) {
    if (error.status !== 400) throw error;
    failure = error;
    page = { entries: [], next: null };
  }
  if (!ctx.alive()) return;
  const entries = page.entries || [];

  const columns = [
    { label: 'Time', primary: true, render: (e) => h('div', {},
      h('span', { class: `dot dot-${e.ok === false ? 'bad' : 'ok'}`, title: e.ok === false ? 'refused or failed' : 'done' }),
      h('span', { class: 'mono small' }, dateTime(e.time)),
      e.ok === false ? h('span', { class: 'badge badge-bad' }, 'failed') : null) },
    { label: 'Actor', render: (e) => e.actor || '—' },
    { label: 'Action', render: (e) => h('code', {}, e.action || '—') },
    { label: 'Target', render: (e) => e.target || '—' },
    { label: 'From', render: (e) => h('span', { class: 'mono small' }, e.source || '—') },
    { label: 'Detail', render: (e) => h('span', { class: 'small' }, detailText(e.detail)) },
  ];

  const trail = query.trail ? query.trail.split(',') : [];
  const newer = trail.length || query.after
    ? h('a', { class: 'btn btn-small', href: hashFor({ ...filters(), after: trail.length > 1 ? trail[trail.length - 2] : '', trail: trail.slice(0, -1).join(',') }) }, '← Newer')
    : h('span');
  const older = page.next
    ? h('a', { class: 'btn btn-small', id: 'audit-older', href: hashFor({ ...filters(), after: page.next, trail: [...trail, page.next].join(',') }) }, 'Older →')
    : h('span', { class: 'muted small' }, entries.length ? 'End of the log' : '');

  mount(view,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Audit log'),
      h('p', {}, 'Every change and every login, newest first.'))),
    failure ? notice('bad', failure.message) : null,
    h('section', { class: 'card card-flush' }, form,
      table(columns, entries, { empty: 'No entries match.', caption: 'Audit log entries', rowClass: (e) => (e.ok === false ? 'is-failed' : null) }),
      h('div', { class: 'pager' }, newer, older)));
}

/** An entry's detail for people: a note as it is, other keys as "key: value". */
function detailText(detail) {
  if (!detail) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail)
    .map(([k, v]) => (k === 'note' ? String(v) : `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`))
    .join(' · ');
}
