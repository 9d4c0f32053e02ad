// Reading forwards as the API gives them: Forward {name, source, enabled, version, spec, status} where
// status is the gateway's ForwardStatus {state, listen, listeners, targets, counters} or null.

import { h } from './dom.js';

/** The counters of a forward, from its status or a live event, with zeros when absent. */
export function counters(forward) {
  const c = (forward && forward.status && forward.status.counters) || {};
  return {
    open: Number(c.openConnections || 0) + Number(c.openUdpSessions || 0),
    total: Number(c.totalConnections || 0) + Number(c.totalUdpSessions || 0),
    bytesIn: Number(c.bytesIn || 0),
    bytesOut: Number(c.bytesOut || 0),
    refused: Number(c.refused || 0),
  };
}

/** Targets as strings: from the spec (target or targets) or the status. */
export function targets(forward) {
  const spec = forward.spec || {};
  if (Array.isArray(spec.targets)) return spec.targets.map(String);
  if (typeof spec.targets === 'string') return [spec.targets];
  if (spec.target) return [String(spec.target)];
  const status = forward.status;
  if (status && Array.isArray(status.targets)) return status.targets.map((t) => (typeof t === 'string' ? t : t.address));
  return [];
}

export function listen(forward) {
  const spec = forward.spec || {};
  const written = String(spec.listen ?? (forward.status && forward.status.listen) ?? '—');
  // Port 0 means "any free port": show the port the gateway actually bound.
  const bound = ((forward.status && forward.status.listeners) || []).map((l) => l && l.address).filter(Boolean);
  if (/(^|:)0$/.test(written) && bound.length) return [...new Set(bound)].join(', ');
  return written;
}

export function protocol(forward) {
  const spec = forward.spec || {};
  return String(spec.protocol || (forward.status && forward.status.protocols) || 'tcp').toLowerCase();
}

/** {kind: ok|warn|bad|off, text} for a status dot and its words. */
export function health(forward) {
  if (forward.enabled === false) return { kind: 'off', text: 'disabled' };
  if (forward.error) return { kind: 'bad', text: forward.error };
  const status = forward.status;
  if (!status) return { kind: 'warn', text: 'not running' };
  const errors = (status.listeners || []).filter((l) => l && l.error);
  if (errors.length) return { kind: 'bad', text: errors[0].error };
  const state = String(status.state || 'running').toLowerCase();
  if (/fail|error|down/.test(state)) return { kind: 'bad', text: state };
  const down = (status.targets || []).filter((t) => t && t.healthy === false);
  if (down.length && down.length === (status.targets || []).length) return { kind: 'bad', text: 'all targets down' };
  if (down.length) return { kind: 'warn', text: `${down.length} target${down.length > 1 ? 's' : ''} down` };
  return { kind: 'ok', text: state };
}

export function healthDot(forward) {
  const { kind, text } = health(forward);
  return h('span', { class: `dot dot-${kind}`, title: text, 'aria-hidden': 'true' });
}

export function sourceBadge(forward) {
  return forward.source === 'file'
    ? h('span', { class: 'badge', title: 'Defined in the config file: read-only here' }, 'file')
    : h('span', { class: 'badge badge-accent', title: 'Made through the API or this dashboard' }, 'api');
}

export function routeView(forward) {
  const list = targets(forward);
  return h('div', { class: 'route' },
    h('span', { class: 'route-from' }, listen(forward)), h('span', { class: 'arrow', 'aria-label': 'to' }, '→'),
    h('span', { class: 'route-to' }, list.length ? list.map((t) => h('span', {}, t)) : '—'));
}
