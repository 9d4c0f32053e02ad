// Ports: every listening port on the host, its class, service name and the process that holds it.

import * as api from './api.js';
import { h, mount, field, input, select, table } from './dom.js';

const CLASS_BADGE = { system: 'badge-warn', registered: '', dynamic: '' };

export async function renderPorts(ctx) {
  const { view } = ctx;
  const ports = (await api.get('/ports')) || [];
  if (!ctx.alive()) return;
  ports.sort((a, b) => (a.port - b.port) || String(a.protocol).localeCompare(String(b.protocol)));

  const filter = field('Filter', input({ type: 'search', placeholder: 'port, process, service, address…', value: ctx.query.q || '' }), { name: 'q', cls: 'grow' });
  const proto = field('Protocol', select([['', 'All'], ['tcp', 'TCP'], ['udp', 'UDP']]), { name: 'protocol' });
  const klass = field('Class', select([['', 'All'], ['system', 'System (0–1023)'], ['registered', 'Registered'], ['dynamic', 'Dynamic']]), { name: 'class' });
  const summary = h('span', { class: 'muted small', id: 'ports-count' });
  const holder = h('div');

  const columns = [
    { label: 'Port', primary: true, render: (p) => h('div', {},
      h('span', { class: 'name mono' }, String(p.port)), ' ',
      h('span', { class: 'badge' }, String(p.protocol || '').toUpperCase()), ' ',
      p.class ? h('span', { class: `badge ${CLASS_BADGE[p.class] ?? ''}` }, p.class) : null) },
    { label: 'Address', render: (p) => h('code', {}, p.address || '*') },
    { label: 'Service', render: (p) => p.service || h('span', { class: 'muted' }, '—') },
    { label: 'Process', render: (p) => (p.process ? h('span', {}, p.process, p.pid ? h('span', { class: 'muted' }, ` (${p.pid})`) : null) : h('span', { class: 'muted', title: 'Not visible to the gateway\'s user' }, 'unknown')) },
    { label: 'User', render: (p) => p.user || '—' },
    { label: 'State', render: (p) => p.state || '—' },
  ];

  const render = () => {
    const words = filter.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = ports.filter((p) => {
      if (proto.input.value && String(p.protocol).toLowerCase() !== proto.input.value) return false;
      if (klass.input.value && p.class !== klass.input.value) return false;
      const hay = [p.port, p.protocol, p.address, p.service, p.process, p.pid, p.user, p.state, p.class].join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    summary.textContent = rows.length === ports.length ? `${ports.length} ports` : `${rows.length} of ${ports.length} ports`;
    mount(holder, table(columns, rows, { empty: ports.length ? 'No port matches the filter.' : 'No listening ports found.', caption: 'Listening ports' }));
  };
  for (const el of [filter.input, proto.input, klass.input]) el.addEventListener('input', render);
  render();

  mount(view,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Ports'),
      h('p', {}, 'Every listening port on this host and who holds it.')), summary),
    h('section', { class: 'card card-flush' },
      h('div', { class: 'toolbar' }, filter.el, proto.el, klass.el),
      holder));
}
