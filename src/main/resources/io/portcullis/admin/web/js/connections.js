// Connections: the open TCP connections through the gateway (all, or one forward's), refreshed every
// two seconds while the page is visible; an administrator may close one.

import * as api from './api.js';
import { h, mount, field, select, toast, confirmDialog, tableShell, tableRow, tableCellContent } from './dom.js';
import { bytes, count, dateTime, relative } from './format.js';

const EVERY_MS = 2000;
/** How long a closed connection stays hidden if a refresh still lists it (the close is asynchronous). */
const CLOSED_GRACE_MS = 10000;

export async function renderConnections(ctx) {
  const { view } = ctx;
  const forwards = (await api.get('/forwards')) || [];
  if (!ctx.alive()) return;
  const canWrite = ctx.session.role !== 'viewer';

  const names = [...new Set(forwards.map((f) => f.name))].sort((a, b) => a.localeCompare(b));
  let forward = ctx.query.forward || '';
  if (forward && !names.includes(forward)) names.push(forward);

  const forwardField = field('Forward', select([['', 'All forwards'], ...names], { value: forward }), { name: 'forward', cls: 'tight' });
  const summary = h('span', { class: 'muted small', id: 'connections-count' });
  const liveLabel = h('span', { class: 'live', id: 'live' }, h('span', { class: 'dot dot-off' }), 'Loading…');
  const setLive = (kind, text) => mount(liveLabel, h('span', { class: `dot dot-${kind}` }), text);
  const tableTitle = h('h2', { id: 'connections-title', tabindex: '-1' }, 'Open connections');
  const holder = h('div');

  /** id → {tr, data}; the rows on screen, oldest first. */
  const rows = new Map();
  /** id → when it was closed here: not shown again while a refresh may still list it. */
  const closed = new Map();

  const forwardLink = (name) => h('a', { href: `#/connections?forward=${encodeURIComponent(name)}`, 'data-filter': name }, name);
  const columns = [
    { label: 'Connection', primary: true, render: (c) => h('div', {},
      h('span', { class: 'name mono' }, `#${c.id}`),
      h('div', { class: 'sub' }, 'through ', forwardLink(c.forward))) },
    { label: 'Client → target', render: (c) => h('div', { class: 'route' },
      h('span', {}, c.client || '—'), h('span', { class: 'arrow', 'aria-label': 'to' }, '→'),
      c.target ? h('span', {}, c.target) : h('span', { class: 'muted' }, 'connecting…')) },
    { label: 'Opened', live: true, render: (c) => h('span', { class: 'nowrap', title: dateTime(c.openedAt) }, relative(c.openedAt)) },
    { label: 'In', num: true, live: true, render: (c) => h('span', { title: `${count(c.bytesIn)} bytes from the client` }, bytes(c.bytesIn)) },
    { label: 'Out', num: true, live: true, render: (c) => h('span', { title: `${count(c.bytesOut)} bytes to the client` }, bytes(c.bytesOut)) },
  ];
  if (canWrite) {
    columns.push({ label: 'Actions', actions: true, render: (c) => h('button', {
      type: 'button', class: 'btn btn-small btn-danger', 'data-close': c.id,
      'aria-label': `Close connection ${c.id} from ${c.client}`, onclick: () => closeOne(c.id),
    }, 'Close') });
  }
  const { wrap, body } = tableShell(columns, 'Open TCP connections');
  const emptyText = () => (forward ? `No open connections through ${forward}.` : 'No open connections.');
  const empty = h('div', { class: 'empty' });

  const showCount = () => {
    summary.textContent = `${count(rows.size)} open`;
    if (rows.size) {
      if (wrap.parentNode !== holder) mount(holder, wrap);
    } else {
      empty.textContent = emptyText();
      if (empty.parentNode !== holder) mount(holder, empty);
    }
  };

  const removeRow = (id) => {
    const row = rows.get(id);
    if (!row) return;
    const hadFocus = row.tr.contains(document.activeElement);
    const next = row.tr.nextElementSibling || row.tr.previousElementSibling;
    row.tr.remove();
    rows.delete(id);
    showCount();
    if (hadFocus) {
      const button = next && next.querySelector('[data-close]');
      (button || tableTitle).focus();
    }
  };

  const apply = (list) => {
    const now = Date.now();
    for (const [id, when] of closed) if (now - when > CLOSED_GRACE_MS) closed.delete(id);
    const seen = new Set();
    for (const c of list) {
      if (closed.has(c.id)) continue;
      seen.add(c.id);
      const row = rows.get(c.id);
      if (!row) {
        const tr = tableRow(columns, c);
        tr.dataset.connection = String(c.id);
        tr.dataset.client = c.client || '';
        body.append(tr);
        rows.set(c.id, { tr, data: c });
        continue;
      }
      row.data = c;
      // Only the changing cells are redrawn: a focused Close button keeps its focus.
      columns.forEach((column, i) => {
        if (column.live) tableCellContent(row.tr.children[i]).replaceChildren(column.render(c));
      });
    }
    for (const id of [...rows.keys()]) if (!seen.has(id)) removeRow(id);
    showCount();
  };

  async function closeOne(id) {
    const row = rows.get(id);
    if (!row) return;
    const c = row.data;
    const ok = await confirmDialog(`Close connection #${c.id}?`,
      `${c.client} → ${c.target || 'its target'} through ${c.forward}. Both sides are disconnected at once.`, 'Close connection');
    if (!ok || !ctx.alive()) return;
    try {
      await api.del(`/connections/${encodeURIComponent(c.id)}`);
      toast(`Connection #${c.id} closed.`);
    } catch (error) {
      if (error.status !== 404) {
        toast(error.message, 'bad');
        return;
      }
      toast(`Connection #${c.id} had ended already.`);
    }
    closed.set(c.id, Date.now());
    removeRow(c.id);
  }

  // Refreshing: every 2 s while the page is visible; an answer to an older request (another filter) is dropped.
  let timer = null;
  let seq = 0;
  let stopped = false;
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(refresh, EVERY_MS);
  };
  async function refresh() {
    clearTimeout(timer);
    if (stopped) return;
    const mine = ++seq;
    try {
      const list = (await api.get('/connections', { forward })) || [];
      if (mine !== seq || !ctx.alive()) return;
      apply(list);
      setLive('ok', 'Live');
      liveLabel.title = `Updated ${dateTime(Date.now())}, every ${EVERY_MS / 1000} s`;
    } catch (error) {
      if (mine !== seq || !ctx.alive() || error.status === 401) return;
      setLive('bad', `Not updating: ${error.message}`);
    } finally {
      if (mine === seq) schedule();
    }
  }
  const onVisibility = () => {
    if (document.hidden) {
      clearTimeout(timer);
      setLive('off', 'Paused');
    } else {
      refresh();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  ctx.cleanup(() => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });

  forwardField.input.addEventListener('change', () => {
    forward = forwardField.input.value;
    // The address follows the filter (to share or reload it) without rendering the page again.
    history.replaceState(null, '', `#/connections${forward ? `?forward=${encodeURIComponent(forward)}` : ''}`);
    for (const id of [...rows.keys()]) removeRow(id);
    setLive('off', 'Loading…');
    refresh();
  });
  // A forward's link in a row filters the page in place, too.
  holder.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-filter]');
    if (!link) return;
    event.preventDefault();
    forwardField.input.value = link.dataset.filter;
    forwardField.input.dispatchEvent(new Event('change'));
  });

  mount(view,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Connections'),
        h('p', {}, 'Open TCP connections through the gateway, updated every 2 seconds.',
          canWrite ? ' Closing one disconnects its client and its target at once.' : '')),
      liveLabel),
    h('section', { class: 'card card-flush', 'aria-labelledby': 'connections-title' },
      h('div', { class: 'card-head' }, tableTitle, summary),
      h('div', { class: 'toolbar' }, forwardField.el),
      holder));
  await refresh();
}
