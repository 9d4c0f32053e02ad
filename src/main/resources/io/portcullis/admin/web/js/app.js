// The dashboard's entry point: the session, the hash router and the page shell.

import * as api from './api.js';
import { h, mount, notice, toast } from './dom.js';
import { renderSetup } from './setup.js';
import { renderLogin } from './login.js';
import { renderOverview } from './overview.js';
import { renderForwards, renderForwardEditor } from './forwards.js';
import { renderConnections } from './connections.js';
import { renderBans } from './bans.js';
import { renderPorts } from './ports.js';
import { renderAudit } from './audit.js';
import { renderAccount } from './account.js';
import { renderUsers } from './users.js';

const routes = [
  { path: '/setup', render: renderSetup, title: 'First-run setup', public: true },
  { path: '/login', render: renderLogin, title: 'Log in', public: true },
  { path: '/', render: renderOverview, title: 'Overview', nav: '/' },
  { path: '/forwards', render: renderForwards, title: 'Forwards', nav: '/forwards' },
  { path: '/forwards/new', render: renderForwardEditor, title: 'New forward', nav: '/forwards' },
  { path: '/forwards/:name', render: renderForwardEditor, title: 'Forward', nav: '/forwards' },
  { path: '/connections', render: renderConnections, title: 'Connections', nav: '/connections' },
  { path: '/bans', render: renderBans, title: 'Bans', nav: '/bans' },
  { path: '/ports', render: renderPorts, title: 'Ports', nav: '/ports' },
  { path: '/audit', render: renderAudit, title: 'Audit log', nav: '/audit' },
  { path: '/account', render: renderAccount, title: 'Account', nav: '/account' },
  { path: '/users', render: renderUsers, title: 'Users', nav: '/users', admin: true },
];

/** The signed-in user as GET /api/v1/session tells it, or null. */
const state = { session: null, checked: false };
let current = { cleanups: [], alive: false };

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = raw.split('?');
  const path = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  return { path, query: Object.fromEntries(new URLSearchParams(queryPart)) };
}

function match(path) {
  for (const route of routes) {
    const want = route.path.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < want.length; i += 1) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
      else if (want[i] !== got[i]) { ok = false; break; }
    }
    if (ok) return { route, params };
  }
  return null;
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function setSession(session) {
  state.session = session;
  api.setCsrf(session ? session.csrf : null);
  const bar = document.getElementById('topbar');
  bar.hidden = !session;
  if (session) {
    document.getElementById('who-name').textContent = session.role ? `${session.user} · ${session.role}` : session.user;
    for (const link of document.querySelectorAll('[data-admin]')) link.hidden = session.role !== 'admin';
  }
}

async function loadSession() {
  try {
    setSession(await api.get('/session'));
  } catch (error) {
    if (error.status !== 401) throw error;
    setSession(null);
  }
  state.checked = true;
  return state.session;
}

async function route() {
  for (const fn of current.cleanups) {
    try { fn(); } catch { /* a page's cleanup must not stop the next page */ }
  }
  const me = { cleanups: [], alive: true };
  current.alive = false;
  current = me;

  const main = document.getElementById('main');
  const { path, query } = parseHash();
  const found = match(path);
  if (!found) {
    mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Not found')),
      notice('warn', 'There is no page at ', h('code', {}, path), '. ', h('a', { href: '#/' }, 'Go to the overview.')));
    return;
  }
  const { route: r, params } = found;

  if (!r.public) {
    if (!state.checked || !state.session) {
      try {
        await loadSession();
      } catch (error) {
        mount(main, notice('bad', h('strong', {}, 'Cannot reach the gateway. '), error.message));
        return;
      }
    }
    if (!me.alive) return;
    if (!state.session) {
      go(`#/login?next=${encodeURIComponent(path)}`);
      return;
    }
  }

  document.title = `${r.title} · Portcullis`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === r.nav) {
      link.setAttribute('aria-current', 'page');
      // On a phone the nav scrolls sideways: keep the current page's item in sight.
      if (link.offsetParent && link.parentElement.scrollWidth > link.parentElement.clientWidth) link.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (r.admin && state.session.role !== 'admin') {
    mount(main, h('div', { class: 'page-head' }, h('h1', {}, r.title)),
      notice('warn', 'Only administrators can see this page.'));
    return;
  }

  const view = h('div', { class: 'view' });
  mount(main, view);
  const ctx = {
    view,
    params,
    query,
    session: state.session,
    go,
    alive: () => me.alive,
    cleanup: (fn) => (me.alive ? me.cleanups.push(fn) : fn()),
    /** After login: remember the session and open the page asked for. */
    signedIn: async (next) => {
      await loadSession();
      go(`#${next && next.startsWith('/') && !next.startsWith('/login') && !next.startsWith('/setup') ? next : '/'}`);
    },
    refreshSession: async () => {
      await loadSession();
      ctx.session = state.session;
      return state.session;
    },
    setSignedOut: () => setSession(null),
  };
  try {
    await r.render(ctx);
  } catch (error) {
    if (!me.alive) return;
    if (error instanceof api.ApiError && error.status === 401) return;
    mount(view, h('div', { class: 'page-head' }, h('h1', {}, r.title)),
      notice('bad', h('strong', {}, 'This page could not be loaded. '), error.message || String(error)));
  }
}

api.onUnauthorized(() => {
  if (!state.session) return;
  setSession(null);
  toast('Your session ended. Please log in again.');
  const { path } = parseHash();
  go(`#/login?next=${encodeURIComponent(path)}`);
});

api.onEnrolmentRequired(() => {
  const { path } = parseHash();
  if (path !== '/account') go('#/account?enrol=required');
});

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await api.post('/logout');
  } catch (error) {
    if (error.status === 403 && error.code === 'csrf') {
      // The session was renewed elsewhere (another tab changed the password): ask for its token, try once more.
      try {
        api.setCsrf((await api.get('/session')).csrf);
        await api.post('/logout');
      } catch (again) {
        if (again.status !== 401) toast(again.message, 'bad');
      }
    } else if (error.status !== 401) {
      toast(error.message, 'bad');
    }
  }
  setSession(null);
  go('#/login');
});

window.addEventListener('hashchange', route);
route();
