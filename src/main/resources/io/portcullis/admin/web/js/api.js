// The admin API client: JSON in and out, the session's CSRF token on every state-changing request, and
// errors as ApiError with the server's own words (message and per-field problems).

const BASE = '/api/v1';

let csrf = null;
let unauthorized = () => {};
let enrolmentRequired = () => {};

/** Called when the gateway requires a second factor that this user has not set up yet (403 enrolment-required). */
export function onEnrolmentRequired(handler) {
  enrolmentRequired = handler;
}

/** Remembers the CSRF token from the login or session answer. */
export function setCsrf(token) {
  csrf = token || null;
}

/** Called when an authenticated request answers 401 (the session ended). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || statusText(status));
    this.status = status;
    this.code = (body && body.error) || null;
    this.problems = (body && Array.isArray(body.problems)) ? body.problems : [];
    this.retryAfter = retryAfter || null;
  }
}

function statusText(status) {
  switch (status) {
    case 0: return 'The gateway did not answer. Is it running, and is this the right address?';
    case 401: return 'Please log in.';
    case 403: return 'You are not allowed to do that.';
    case 404: return 'Not found.';
    case 409: return 'That name is taken.';
    case 412: return 'Someone else changed this in the meantime.';
    case 413: return 'That is too large (the limit is 64 KiB).';
    case 429: return 'Too many attempts. Wait a moment and try again.';
    default: return `The gateway answered ${status}.`;
  }
}

const PUBLIC = new Set(['/setup', '/login', '/login/totp', '/session']);

/**
 * Sends a request; resolves to {status, data, etag}. Rejects with ApiError for any status >= 400.
 * options: body (sent as JSON), headers, query (object; empty values left out).
 */
export async function request(method, path, { body, headers = {}, query } = {}) {
  let url = BASE + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, v);
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) h['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 300) };
    }
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (res.status === 429 && error.retryAfter) {
      error.message = `${error.message} (try again in ${error.retryAfter} s)`;
    }
    if (res.status === 401 && !PUBLIC.has(path)) unauthorized(error);
    if (res.status === 403 && error.code === 'enrolment-required') enrolmentRequired(error);
    throw error;
  }
  return { status: res.status, data, etag: res.headers.get('ETag') };
}

export const get = async (path, query) => (await request('GET', path, { query })).data;
export const post = async (path, body) => (await request('POST', path, { body })).data;
export const put = async (path, body, headers) => (await request('PUT', path, { body, headers })).data;
export const del = async (path, options) => (await request('DELETE', path, options)).data;

/** Encodes one path segment (forward and user names). */
export const seg = (value) => encodeURIComponent(value);

/**
 * Shows an ApiError on a form: each problem next to its field (fields: {name: setError}), the rest and
 * the message in the form's notice box. A problem's field may be nested ("timeouts.idle", "targets[1]"):
 * it goes to the longest field name that is its prefix.
 */
export function showProblems(error, fields, box) {
  for (const setError of Object.values(fields)) setError(null);
  const rest = [];
  const byField = new Map();
  for (const problem of error.problems || []) {
    const name = String(problem.field || '').replace(/^(spec|forwards\[\d+\])\./, '');
    const key = bestField(name, Object.keys(fields));
    if (key) {
      const prefix = name && name !== key ? `${name}: ` : '';
      if (!byField.has(key)) byField.set(key, []);
      const lines = byField.get(key);
      if (!lines.includes(prefix + problem.message)) lines.push(prefix + problem.message);
    } else {
      rest.push(problem.field ? `${problem.field}: ${problem.message}` : problem.message);
    }
  }
  for (const [key, lines] of byField) fields[key](lines.join('\n'));
  if (!box) return;
  box.replaceChildren();
  const message = document.createElement('strong');
  message.textContent = error.message;
  box.append(message);
  if (rest.length) {
    const list = document.createElement('ul');
    for (const line of rest) {
      const li = document.createElement('li');
      li.textContent = line;
      list.append(li);
    }
    box.append(list);
  }
  box.hidden = false;
  box.className = 'notice notice-bad';
  box.setAttribute('role', 'alert');
}

function bestField(field, names) {
  let best = null;
  for (const name of names) {
    if (field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`)) {
      if (!best || name.length > best.length) best = name;
    }
  }
  return best;
}

/** Clears the inline errors and the notice box of a form. */
export function clearProblems(fields, box) {
  for (const setError of Object.values(fields)) setError(null);
  if (box) {
    box.hidden = true;
    box.replaceChildren();
  }
}
