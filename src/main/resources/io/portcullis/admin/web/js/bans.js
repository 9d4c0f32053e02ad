// Bans: who is banned from every forward, until when and why; add one by hand, lift one.

import * as api from './api.js';
import { h, mount, field, input, select, table, toast, confirmDialog } from './dom.js';
import { count, dateTime, duration, relative, remaining, toDate } from './format.js';

/** The time left: the API's remaining when it gives one, else until minus now. */
function left(ban) {
  if (ban.remaining !== undefined && ban.remaining !== null) return remaining(ban.remaining);
  const until = toDate(ban.until);
  return until ? duration(Math.max(0, (until.getTime() - Date.now()) / 1000)) : '—';
}

export async function renderBans(ctx) {
  const { view } = ctx;
  const bans = (await api.get('/bans')) || [];
  if (!ctx.alive()) return;
  const canWrite = ctx.session.role !== 'viewer';

  const lift = async (ban) => {
    if (!await confirmDialog(`Lift the ban on ${ban.network}?`, 'The address may connect again at once.', 'Lift ban')) return;
    try {
      await api.del('/bans', { query: { network: ban.network } });
      toast(`Ban on ${ban.network} lifted.`);
      ctx.go(`#/bans?t=${Date.now()}`);
    } catch (error) {
      toast(error.message, 'bad');
    }
  };

  const columns = [
    { label: 'Network', primary: true, render: (b) => h('div', {}, h('code', { class: 'name' }, b.network),
      h('div', { class: 'sub' }, b.reason || 'no reason given', b.manual === true ? ' · by hand' : b.manual === false ? ' · automatic' : '')) },
    { label: 'Since', render: (b) => h('span', { title: dateTime(b.since) }, relative(b.since)) },
    { label: 'Until', render: (b) => (b.until ? h('span', { title: dateTime(b.until) }, dateTime(b.until)) : 'lifted by hand') },
    { label: 'Remaining', num: true, render: (b) => left(b) },
    { label: 'Bans', num: true, render: (b) => count(b.count) },
  ];
  if (canWrite) columns.push({ label: 'Actions', actions: true, render: (b) => h('button', { type: 'button', class: 'btn btn-small', onclick: () => lift(b) }, 'Lift') });

  const network = field('Address or network', input({ placeholder: '203.0.113.7 or 198.51.100.0/24', class: 'mono', required: true }), { name: 'network', cls: 'grow' });
  const duration = field('For', select([['10m', '10 minutes'], ['1h', '1 hour'], ['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days']], { value: '1h' }), { name: 'duration' });
  const reason = field('Reason', input({ placeholder: 'optional, for the audit log' }), { name: 'reason', cls: 'grow' });
  const box = h('div', { hidden: true });
  const fields = { network: network.setError, duration: duration.setError, reason: reason.setError };
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Ban');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(fields, box);
    submit.disabled = true;
    try {
      const body = { network: network.input.value.trim(), duration: duration.input.value };
      if (reason.input.value.trim()) body.reason = reason.input.value.trim();
      await api.post('/bans', body);
      toast(`${body.network} banned.`);
      ctx.go(`#/bans?t=${Date.now()}`);
    } catch (error) {
      api.showProblems(error, fields, box);
    } finally {
      submit.disabled = false;
    }
  } }, box, h('div', { class: 'row' }, network.el, duration.el, reason.el, h('div', { class: 'field button-field' }, submit)));

  mount(view,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Bans'),
      h('p', {}, 'Addresses refused by every forward. Repeated offences ban automatically; bans end by themselves.'))),
    canWrite ? h('section', { class: 'card' }, h('h2', {}, 'Ban an address'),
      h('p', { class: 'muted' }, 'Addresses in the gateway\'s never-ban list are refused with a reason.'), form) : null,
    h('section', { class: 'card card-flush' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Current bans'), h('span', { class: 'muted small' }, `${bans.length} active`)),
      table(columns, bans, { empty: 'Nobody is banned.', caption: 'Current bans' })));
}
