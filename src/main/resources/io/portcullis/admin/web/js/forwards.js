// Forwards: the list with enable/disable/delete, and the editor. Forwards from the config file are
// shown read-only; those made through the API are edited with If-Match on the version the user opened.

import * as api from './api.js';
import { h, mount, field, input, select, notice, table, toast, confirmDialog } from './dom.js';
import { count, bytes } from './format.js';
import { counters, health, healthDot, sourceBadge, routeView, protocol, targets } from './model.js';

export async function renderForwards(ctx) {
  const { view } = ctx;
  const forwards = (await api.get('/forwards')) || [];
  if (!ctx.alive()) return;
  forwards.sort((a, b) => a.name.localeCompare(b.name));
  const canWrite = ctx.session.role !== 'viewer';

  const toggle = async (f) => {
    try {
      await api.post(`/forwards/${api.seg(f.name)}/${f.enabled === false ? 'enable' : 'disable'}`);
      toast(`${f.name} ${f.enabled === false ? 'enabled' : 'disabled'}.`);
      ctx.go('#/forwards');
    } catch (error) {
      toast(error.message, 'bad');
    }
  };
  const remove = async (f) => {
    if (!await confirmDialog(`Delete ${f.name}?`, 'Its listener closes; connections already open are kept until they end.', 'Delete')) return;
    try {
      await api.del(`/forwards/${api.seg(f.name)}`);
      toast(`${f.name} deleted.`);
      ctx.go('#/forwards');
    } catch (error) {
      toast(error.message, 'bad');
    }
  };

  const columns = [
    { label: 'Forward', primary: true, render: (f) => h('div', {},
      h('div', { class: 'nowrap' }, healthDot(f), h('a', { class: 'name', href: `#/forwards/${encodeURIComponent(f.name)}` }, f.name), ' ', sourceBadge(f)),
      h('div', { class: 'sub' }, `${protocol(f).toUpperCase()} · ${health(f).text}`)) },
    { label: 'Listen → targets', render: (f) => routeView(f) },
    { label: 'Open', num: true, render: (f) => h('a', { class: 'count-link', href: `#/connections?forward=${encodeURIComponent(f.name)}`, title: `Open connections of ${f.name}` }, count(counters(f).open)) },
    { label: 'Traffic', num: true, render: (f) => bytes(counters(f).bytesIn + counters(f).bytesOut) },
    { label: 'Actions', actions: true, render: (f) => (f.source === 'file' || !canWrite
      ? h('a', { class: 'btn btn-small', href: `#/forwards/${encodeURIComponent(f.name)}` }, 'View')
      : [
        h('a', { class: 'btn btn-small', href: `#/forwards/${encodeURIComponent(f.name)}` }, 'Edit'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => toggle(f) }, f.enabled === false ? 'Enable' : 'Disable'),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(f) }, 'Delete'),
      ]) },
  ];

  mount(view,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Forwards'), h('p', {}, 'What the gateway publishes, and where it sends it.')),
      canWrite ? h('a', { class: 'btn btn-primary', href: '#/forwards/new' }, 'New forward') : null),
    h('section', { class: 'card card-flush' }, table(columns, forwards, {
      empty: h('div', {}, h('p', {}, 'No forwards yet.'), canWrite ? h('a', { class: 'btn btn-primary', href: '#/forwards/new' }, 'Create the first forward') : null),
      rowClass: (f) => (f.enabled === false ? 'is-off' : null),
      caption: 'Forwards',
    })));
}

// Keys the form edits; everything else in a spec is kept and shown as JSON under "Other settings".
const FORM_KEYS = ['name', 'protocol', 'listen', 'targets', 'target', 'balance', 'max-connections', 'max-udp-sessions',
  'proxy-protocol', 'enabled', 'timeouts', 'health-check', 'access'];

export async function renderForwardEditor(ctx) {
  const { view, params } = ctx;
  const creating = !params.name;
  let forward = { name: '', source: 'api', enabled: true, spec: { protocol: 'tcp' }, status: null };
  let etag = null;
  if (!creating) {
    const answer = await api.request('GET', `/forwards/${api.seg(params.name)}`);
    forward = answer.data;
    etag = answer.etag;
  }
  if (!ctx.alive()) return;
  const readOnly = forward.source === 'file' || ctx.session.role === 'viewer';
  const spec = forward.spec || {};
  const timeouts = spec.timeouts || {};
  const healthCheck = spec['health-check'];
  const hc = typeof healthCheck === 'object' && healthCheck ? healthCheck : {};
  const access = spec.access || {};

  const text = (value) => (value === undefined || value === null ? '' : String(value));
  const f = {
    name: field('Name', input({ value: spec.name || forward.name || '', required: true, readOnly: !creating, autocapitalize: 'none' }),
      { name: 'name', hint: creating ? 'Letters, digits, ., _ or -; 1–63 characters. Used in logs and the API.' : null, cls: 'grow' }),
    protocol: field('Protocol', select([['tcp', 'TCP'], ['udp', 'UDP'], ['both', 'TCP and UDP']], { value: text(spec.protocol || 'tcp').toLowerCase() }), { name: 'protocol' }),
    listen: field('Listen on', input({ value: text(spec.listen), placeholder: '0.0.0.0:8080', required: true, class: 'mono' }),
      { name: 'listen', hint: 'address:port, "[::]:port", a range 9000-9010, or a bare port.', cls: 'grow' }),
    targets: field('Targets', h('textarea', { rows: 3, placeholder: '192.168.1.50:8080', spellcheck: 'false' }),
      { name: 'targets', hint: 'One host:port per line. Several targets are balanced.' }),
    balance: field('Balance', select([['round-robin', 'Round robin'], ['least-connections', 'Least connections'], ['source-hash', 'Source hash (sticky)']],
      { value: text(spec.balance || 'round-robin') }), { name: 'balance' }),
    'proxy-protocol': field('PROXY protocol', select([['none', 'None'], ['v1', 'v1 (text)'], ['v2', 'v2 (binary)']],
      { value: text(spec['proxy-protocol'] || 'none') }), { name: 'proxy-protocol' }),
    'max-connections': field('Max connections', input({ value: text(spec['max-connections']), inputmode: 'numeric', placeholder: '0 = no limit' }), { name: 'max-connections', cls: 'tight' }),
    'timeouts.connect': field('Connect timeout', input({ value: text(timeouts.connect), placeholder: '5s' }), { name: 'timeouts.connect', cls: 'tight' }),
    'timeouts.idle': field('Idle timeout', input({ value: text(timeouts.idle), placeholder: '1h' }), { name: 'timeouts.idle', cls: 'tight' }),
    'timeouts.udp-session': field('UDP session', input({ value: text(timeouts['udp-session']), placeholder: '60s' }), { name: 'timeouts.udp-session', cls: 'tight' }),
    'health-check.interval': field('Interval', input({ value: text(hc.interval), placeholder: '5s' }), { name: 'health-check.interval', cls: 'tight' }),
    'health-check.timeout': field('Timeout', input({ value: text(hc.timeout), placeholder: '2s' }), { name: 'health-check.timeout', cls: 'tight' }),
    'health-check.failures': field('Failures', input({ value: text(hc.failures), placeholder: '3', inputmode: 'numeric' }), { name: 'health-check.failures', cls: 'tight' }),
    'health-check.recoveries': field('Recoveries', input({ value: text(hc.recoveries), placeholder: '2', inputmode: 'numeric' }), { name: 'health-check.recoveries', cls: 'tight' }),
    'access.default': field('When no rule matches', select([['allow', 'Allow'], ['deny', 'Deny']], { value: text(access.default || 'allow') }), { name: 'access.default' }),
    'access.rules': field('Access rules', h('textarea', { rows: 3, placeholder: 'allow 203.0.113.0/24\ndeny 198.51.100.7', spellcheck: 'false' }),
      { name: 'access.rules', hint: 'One rule a line: allow or deny, then an address or network. First match wins.', cls: 'grow' }),
  };
  f.targets.input.value = targets(forward).join('\n');
  f['access.rules'].input.value = (access.rules || []).map(ruleText).join('\n');
  const enabled = h('input', { type: 'checkbox', id: 'fw-enabled', checked: forward.enabled !== false && spec.enabled !== false });
  const hcOn = h('input', { type: 'checkbox', id: 'fw-hc', checked: Boolean(healthCheck) });
  const hcRow = h('div', { class: 'row' }, f['health-check.interval'].el, f['health-check.timeout'].el, f['health-check.failures'].el, f['health-check.recoveries'].el);
  hcRow.hidden = !hcOn.checked;
  hcOn.addEventListener('change', () => { hcRow.hidden = !hcOn.checked; });

  const extra = {};
  for (const [k, v] of Object.entries(spec)) if (!FORM_KEYS.includes(k)) extra[k] = v;
  f.other = field('Other settings (JSON)', h('textarea', { rows: 3, spellcheck: 'false', placeholder: '{"limits": {"per-source-rate": "30/m"}}' }),
    { name: 'other', hint: 'Any other keys of docs/configuration.md, such as limits or spa, as a JSON object.' });
  f.other.input.value = Object.keys(extra).length ? JSON.stringify(extra, null, 2) : '';

  const setErrors = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.setError]));
  setErrors.enabled = () => {};
  setErrors['health-check'] = setErrors['health-check.interval'];
  setErrors.timeouts = setErrors['timeouts.idle'];
  setErrors.access = setErrors['access.rules'];
  setErrors.target = setErrors.targets;
  setErrors.limits = setErrors.other;
  setErrors.spa = setErrors.other;
  const box = h('div', { hidden: true, id: 'form-problems' });

  const buildSpec = () => {
    let out = {};
    const other = f.other.input.value.trim();
    if (other) {
      let parsed;
      try {
        parsed = JSON.parse(other);
      } catch (error) {
        throw Object.assign(new api.ApiError(400, { message: 'Please correct the marked fields.', problems: [{ field: 'other', message: `not valid JSON: ${error.message}` }] }));
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new api.ApiError(400, { message: 'Please correct the marked fields.', problems: [{ field: 'other', message: 'expected a JSON object such as {"limits": {...}}' }] });
      }
      out = { ...parsed };
    }
    const put = (key, value) => { if (value !== '' && value !== undefined && value !== null) out[key] = value; };
    const numberOr = (value) => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim());
    put('name', f.name.input.value.trim());
    put('protocol', f.protocol.input.value);
    put('listen', numberOr(f.listen.input.value));
    const list = f.targets.input.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    out.targets = list;
    if (f.balance.input.value !== 'round-robin' || spec.balance) put('balance', f.balance.input.value);
    if (f['proxy-protocol'].input.value !== 'none' || spec['proxy-protocol']) put('proxy-protocol', f['proxy-protocol'].input.value);
    put('max-connections', numberOr(f['max-connections'].input.value));
    if (spec['max-udp-sessions'] !== undefined) out['max-udp-sessions'] = spec['max-udp-sessions'];
    const t = {};
    for (const k of ['connect', 'idle', 'udp-session']) { const v = f[`timeouts.${k}`].input.value.trim(); if (v) t[k] = v; }
    if (Object.keys(t).length) out.timeouts = t;
    if (hcOn.checked) {
      const c = {};
      for (const k of ['interval', 'timeout', 'failures', 'recoveries']) { const v = f[`health-check.${k}`].input.value; if (v.trim()) c[k] = numberOr(v); }
      out['health-check'] = Object.keys(c).length ? c : true;
    }
    const rules = f['access.rules'].input.value.split('\n').map((s) => s.trim()).filter(Boolean).map(parseRule);
    if (rules.length || f['access.default'].input.value !== 'allow') {
      out.access = { default: f['access.default'].input.value };
      if (rules.length) out.access.rules = rules;
    }
    out.enabled = enabled.checked;
    return out;
  };

  const more = h('details', { class: 'more', open: f.other.input.value ? true : null }, h('summary', {}, 'Other settings'), f.other.el);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, creating ? 'Create forward' : 'Save changes');
  const form = h('form', { novalidate: true, id: 'forward-form', onsubmit: async (event) => {
    event.preventDefault();
    api.clearProblems(setErrors, box);
    submit.disabled = true;
    try {
      const body = buildSpec();
      if (creating) {
        const created = await api.post('/forwards', body);
        toast(`${created.name || body.name} created.`);
        ctx.go(`#/forwards/${encodeURIComponent(created.name || body.name)}`);
      } else {
        await api.request('PUT', `/forwards/${api.seg(forward.name)}`, { body, headers: etag ? { 'If-Match': etag } : {} });
        toast(`${forward.name} saved.`);
        ctx.go(`#/forwards/${encodeURIComponent(forward.name)}?saved=${Date.now()}`);
      }
    } catch (error) {
      if (error.status === 412) {
        box.hidden = false;
        box.className = 'notice notice-warn';
        box.setAttribute('role', 'alert');
        mount(box, h('strong', {}, 'Someone else changed this forward since you opened it. '),
          'Your changes were not saved. Load their version to see it (copy your edits first if you want to keep them).',
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => ctx.go(`#/forwards/${encodeURIComponent(forward.name)}?reload=${Date.now()}`) }, 'Load their version')));
      } else if (error.status === 409) {
        f.name.setError(error.message || 'A forward with this name exists.');
        api.showProblems(Object.assign(error, { problems: error.problems }), {}, box);
      } else {
        if (error.status === 400 && !error.problems.length && !error.message) error.message = 'Please correct the marked fields.';
        api.showProblems(error, setErrors, box);
        if (!f.other.error.hidden) more.open = true;
        if (hcRow.querySelector('[aria-invalid]')) hcRow.hidden = false;
      }
      box.scrollIntoView({ block: 'nearest' });
    } finally {
      submit.disabled = false;
    }
  } },
  box,
  h('fieldset', {}, h('legend', {}, 'Where'),
    h('div', { class: 'row' }, f.name.el, f.protocol.el),
    h('div', { class: 'row' }, f.listen.el),
    f.targets.el,
    h('label', { class: 'check', for: 'fw-enabled' }, enabled, 'Enabled (listening)')),
  h('fieldset', {}, h('legend', {}, 'How'),
    h('div', { class: 'row' }, f.balance.el, f['proxy-protocol'].el, f['max-connections'].el),
    h('div', { class: 'row' }, f['timeouts.connect'].el, f['timeouts.idle'].el, f['timeouts.udp-session'].el),
    h('label', { class: 'check', for: 'fw-hc' }, hcOn, 'Check the targets\' health'),
    hcRow),
  h('fieldset', {}, h('legend', {}, 'Who may connect'),
    h('div', { class: 'row' }, f['access.default'].el, f['access.rules'].el)),
  more,
  readOnly ? null : h('div', { class: 'actions' }, submit, h('a', { class: 'btn btn-quiet', href: '#/forwards' }, 'Cancel')));

  if (readOnly) {
    for (const el of form.querySelectorAll('input, select, textarea')) el.disabled = true;
  }

  const head = h('div', { class: 'page-head' },
    h('div', {},
      h('p', { class: 'crumbs' }, h('a', { href: '#/forwards' }, 'Forwards'), ' / '),
      h('h1', {}, creating ? 'New forward' : forward.name, ' ', creating ? null : sourceBadge(forward))),
    creating || readOnly ? null : h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', id: 'toggle-forward', onclick: async () => {
        try {
          await api.post(`/forwards/${api.seg(forward.name)}/${forward.enabled === false ? 'enable' : 'disable'}`);
          toast(`${forward.name} ${forward.enabled === false ? 'enabled' : 'disabled'}.`);
          ctx.go(`#/forwards/${encodeURIComponent(forward.name)}?t=${Date.now()}`);
        } catch (error) { toast(error.message, 'bad'); }
      } }, forward.enabled === false ? 'Enable' : 'Disable'),
      h('button', { type: 'button', class: 'btn btn-danger', id: 'delete-forward', onclick: async () => {
        if (!await confirmDialog(`Delete ${forward.name}?`, 'Its listener closes; connections already open are kept until they end.', 'Delete')) return;
        try {
          await api.del(`/forwards/${api.seg(forward.name)}`);
          toast(`${forward.name} deleted.`);
          ctx.go('#/forwards');
        } catch (error) { toast(error.message, 'bad'); }
      } }, 'Delete')));

  const note = forward.source === 'file'
    ? notice('info', h('strong', {}, 'From the config file. '), 'This forward is defined in the gateway\'s YAML file and is read-only here: change it in the file, and the gateway applies it when the file changes.')
    : ctx.session.role === 'viewer' ? notice('info', 'You have read-only access.') : null;

  mount(view, head, note, h('div', { class: 'editor-grid' },
    h('section', { class: 'card' }, form),
    creating ? helpCard() : statusCard(forward)));
  if (creating) f.name.input.focus();
}

function ruleText(rule) {
  if (typeof rule === 'string') return rule;
  if (rule && typeof rule === 'object') {
    const action = rule.allow !== undefined ? 'allow' : rule.deny !== undefined ? 'deny' : Object.keys(rule)[0];
    const value = rule[action];
    return `${action} ${Array.isArray(value) ? value.join(', ') : value}`;
  }
  return String(rule);
}

function parseRule(line) {
  const m = /^(\w+)\s*:?\s+(.+)$/.exec(line);
  if (!m) return line;
  const networks = m[2].split(/[\s,]+/).filter(Boolean);
  return { [m[1].toLowerCase()]: networks.length === 1 ? networks[0] : networks };
}

function helpCard() {
  return h('aside', { class: 'card side' },
    h('h2', {}, 'Examples'),
    h('dl', { class: 'examples' },
      h('dt', {}, 'A camera on the LAN'), h('dd', {}, h('code', {}, '0.0.0.0:8080 → 192.168.1.50:80')),
      h('dt', {}, 'Two web servers'), h('dd', {}, h('code', {}, '0.0.0.0:443 → 10.0.0.11:443, 10.0.0.12:443')),
      h('dt', {}, 'A port range'), h('dd', {}, h('code', {}, '0.0.0.0:27015-27030 → 192.168.1.20:27015-27030')),
      h('dt', {}, 'IPv6'), h('dd', {}, h('code', {}, '[::]:2222 → [fd00::5]:22'))),
    h('p', { class: 'muted small' }, 'Changes apply at once. Connections already open are never dropped by a change.'));
}

function statusCard(forward) {
  const s = forward.status;
  const c = counters(forward);
  const hs = health(forward);
  return h('aside', { class: 'card side' },
    h('h2', {}, 'Status'),
    h('p', {}, h('span', { class: `dot dot-${hs.kind}` }), hs.text),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Open'), h('dd', { class: 'num' }, h('a', { class: 'count-link', href: `#/connections?forward=${encodeURIComponent(forward.name)}`, title: `Open connections of ${forward.name}` }, count(c.open))),
      h('dt', {}, 'Total'), h('dd', { class: 'num' }, count(c.total)),
      h('dt', {}, 'In'), h('dd', { class: 'num' }, bytes(c.bytesIn)),
      h('dt', {}, 'Out'), h('dd', { class: 'num' }, bytes(c.bytesOut)),
      h('dt', {}, 'Refused'), h('dd', { class: 'num' }, count(c.refused)),
      forward.version !== undefined ? [h('dt', {}, 'Version'), h('dd', { class: 'num' }, String(forward.version))] : null),
    s && Array.isArray(s.targets) && s.targets.length ? [h('h3', {}, 'Targets'),
      h('ul', { class: 'targets' }, s.targets.map((t) => h('li', {},
        h('span', { class: `dot dot-${t.healthy === false ? 'bad' : 'ok'}` }),
        h('code', {}, t.address || String(t)),
        t.reason ? h('span', { class: 'muted small' }, ` — ${t.reason}`) : null)))] : null);
}
