// Overview: every forward with its live counters (Server-Sent Events from /api/v1/events) and a chart
// of the traffic through the gateway.

import * as api from './api.js';
import { h, mount, notice, table } from './dom.js';
import { bytes, count, dateTime, relative } from './format.js';
import { counters, health, healthDot, sourceBadge, routeView, protocol } from './model.js';
import { TrafficChart } from './chart.js';

export async function renderOverview(ctx) {
  const { view } = ctx;
  const [status, forwards] = await Promise.all([api.get('/status'), api.get('/forwards')]);
  if (!ctx.alive()) return;

  const byName = new Map();
  for (const f of forwards || []) byName.set(f.name, { ...f });
  for (const s of (status && status.forwards) || []) {
    const f = byName.get(s.name) || { name: s.name, source: 'file', enabled: true, spec: {} };
    f.status = f.status || s;
    byName.set(s.name, f);
  }
  const list = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  const live = new Map(list.map((f) => [f.name, counters(f)]));

  const liveLabel = h('span', { class: 'live', id: 'live' }, h('span', { class: 'dot dot-off' }), 'Connecting…');
  const statEls = {
    forwards: h('div', { class: 'stat-value' }),
    open: h('div', { class: 'stat-value', id: 'stat-open' }),
    traffic: h('div', { class: 'stat-value' }),
    refused: h('div', { class: 'stat-value' }),
  };
  const stat = (label, el) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), el);

  const cells = new Map();
  const cell = (name, key, text) => {
    const el = h('span', { 'data-forward': name, 'data-counter': key }, text);
    cells.set(`${name}/${key}`, el);
    return el;
  };
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': 'Traffic through all forwards, bytes per second in and out' });

  const columns = [
    { label: 'Forward', primary: true, render: (f) => h('div', {},
      h('div', { class: 'nowrap' }, healthDot(f), h('a', { class: 'name', href: `#/forwards/${encodeURIComponent(f.name)}` }, f.name), ' ', sourceBadge(f)),
      h('div', { class: 'sub' }, `${protocol(f).toUpperCase()} · ${health(f).text}`)) },
    { label: 'Listen → targets', render: (f) => routeView(f) },
    { label: 'Open', num: true, render: (f) => h('a', {
      class: 'count-link', href: `#/connections?forward=${encodeURIComponent(f.name)}`, 'data-connections': f.name,
      title: `Open connections of ${f.name}`,
    }, cell(f.name, 'open', count(live.get(f.name).open))) },
    { label: 'Total', num: true, render: (f) => cell(f.name, 'total', count(live.get(f.name).total)) },
    { label: 'In', num: true, render: (f) => cell(f.name, 'bytesIn', bytes(live.get(f.name).bytesIn)) },
    { label: 'Out', num: true, render: (f) => cell(f.name, 'bytesOut', bytes(live.get(f.name).bytesOut)) },
    { label: 'Refused', num: true, render: (f) => cell(f.name, 'refused', count(live.get(f.name).refused)) },
  ];

  const totals = () => {
    let open = 0; let traffic = 0; let refused = 0;
    for (const c of live.values()) { open += c.open; traffic += c.bytesIn + c.bytesOut; refused += c.refused; }
    const running = list.filter((f) => health(f).kind === 'ok' || health(f).kind === 'warn').length;
    statEls.forwards.textContent = `${running} / ${list.length}`;
    statEls.open.textContent = count(open);
    statEls.traffic.textContent = bytes(traffic);
    statEls.refused.textContent = count(refused);
  };
  totals();

  const meta = [];
  if (status && status.startedAt) meta.push(`up since ${dateTime(status.startedAt)} (${relative(status.startedAt)})`);
  if (status && status.pid) meta.push(`pid ${status.pid}`);
  if (status && status.transport) meta.push(`${status.transport} transport`);

  mount(view,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Overview'), h('p', {}, meta.length ? `Gateway ${meta.join(' · ')}` : 'The gateway and its forwards.')),
      liveLabel),
    h('div', { class: 'stats' },
      stat('Running', statEls.forwards), stat('Open', statEls.open),
      stat('Traffic', statEls.traffic), stat('Refused', statEls.refused)),
    h('section', { class: 'card chart-card', 'aria-labelledby': 'traffic-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'traffic-title' }, 'Traffic'),
        h('div', { class: 'legend-row' },
          h('span', {}, h('span', { class: 'swatch swatch-in' }), 'In'),
          h('span', {}, h('span', { class: 'swatch swatch-out' }), 'Out'),
          h('span', {}, 'per second, up to 3 minutes'))),
      chartBox),
    h('section', { class: 'card card-flush', 'aria-labelledby': 'forwards-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'forwards-title' }, 'Forwards'),
        h('a', { class: 'btn btn-small', href: '#/forwards/new' }, 'New forward')),
      table(columns, list, {
        empty: h('div', {}, h('p', {}, 'No forwards yet.'), h('a', { class: 'btn btn-primary', href: '#/forwards/new' }, 'Create the first forward')),
        rowClass: (f) => (f.enabled === false ? 'is-off' : null),
        caption: 'Forwards and their counters',
      })));

  const chart = new TrafficChart(chartBox);
  ctx.cleanup(() => chart.destroy());

  // Live counters. EventSource reconnects by itself; the label says when it is not live.
  const setLive = (kind, text) => mount(liveLabel, h('span', { class: `dot dot-${kind}` }), text);
  const source = new EventSource('/api/v1/events');
  ctx.cleanup(() => source.close());
  let refetching = false;
  source.addEventListener('open', () => setLive('ok', 'Live'));
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) setLive('bad', 'Not live: reload the page');
    else setLive('warn', 'Reconnecting…');
  });
  source.addEventListener('status', (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    setLive('ok', 'Live');
    chart.push(event);
    for (const f of event.forwards || []) {
      if (!live.has(f.name)) {
        if (!refetching) {
          refetching = true;
          setTimeout(() => { if (ctx.alive()) ctx.go('#/'); }, 0);
        }
        continue;
      }
      const c = {
        open: Number(f.open || 0), total: Number(f.total || 0),
        bytesIn: Number(f.bytesIn || 0), bytesOut: Number(f.bytesOut || 0), refused: Number(f.refused || 0),
      };
      live.set(f.name, c);
      const set = (key, text) => {
        const el = cells.get(`${f.name}/${key}`);
        if (el && el.textContent !== text) el.textContent = text;
      };
      set('open', count(c.open));
      set('total', count(c.total));
      set('bytesIn', bytes(c.bytesIn));
      set('bytesOut', bytes(c.bytesOut));
      set('refused', count(c.refused));
    }
    totals();
  });
  if (!list.length) view.append(notice('info', 'Forwards from the config file appear here too; those made here are kept in the gateway\'s database.'));
}
