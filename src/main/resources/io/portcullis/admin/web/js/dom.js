// Small DOM helpers. Everything is built with createElement and textContent: no innerHTML, no inline
// styles (the Content Security Policy forbids both scripts and style attributes in markup).

/**
 * Makes an element. attrs: class, text, on{Event} handlers, data-*, aria-*, boolean and string
 * attributes; children: nodes, strings, arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected' || key === 'readOnly') el[key] = Boolean(value);
    else if (key === 'for') el.htmlFor = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces all children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A unique id for label/input pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * A labelled form field. Returns {el, input, error, setError}. The error line sits right under the input
 * and is tied to it with aria-describedby, so screen readers read it too.
 */
export function field(label, input, { hint, name, cls } = {}) {
  const id = input.id || uid(name || 'f');
  input.id = id;
  if (name) input.name = name;
  const errorId = `${id}-error`;
  const error = h('div', { class: 'field-error', id: errorId, hidden: true });
  const hintEl = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : null, errorId].filter(Boolean).join(' '));
  const el = h('div', { class: ['field', cls] }, h('label', { for: id }, label), input, hintEl, error);
  const setError = (message) => {
    if (message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else {
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
    }
  };
  return { el, input, error, setError };
}

export function input(attrs = {}) {
  return h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

export function select(options, attrs = {}) {
  const el = h('select', attrs);
  for (const option of options) {
    const [value, label] = Array.isArray(option) ? option : [option, option];
    el.append(h('option', { value }, label));
  }
  if (attrs.value !== undefined) el.value = attrs.value;
  return el;
}

export function button(label, attrs = {}) {
  return h('button', { type: 'button', class: 'btn', ...attrs }, label);
}

/** A notice box; kind is ok, bad, warn or info. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'bad' ? 'alert' : null }, ...children);
}

/**
 * A table that turns into one card per row on phones. columns: {label, num, render(row) → node|string,
 * primary (the row's title on phones), actions}.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', rowClass, caption } = {}) {
  if (!rows.length) return h('div', { class: 'empty' }, empty);
  const { wrap, body } = tableShell(columns, caption);
  append(body, rows.map((row) => tableRow(columns, row, rowClass)));
  return wrap;
}

/** An empty table() with its head: {wrap, body}; rows go into body (see tableRow). */
export function tableShell(columns, caption) {
  const head = h('tr', {}, columns.map((c) =>
    h('th', { scope: 'col', class: c.num ? 'num' : null }, c.actions ? h('span', { class: 'sr-only' }, c.label || 'Actions') : c.label)));
  const body = h('tbody');
  const wrap = h('div', { class: 'table-wrap' },
    h('table', { class: 'table stacked' }, caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', {}, head), body));
  return { wrap, body };
}

/** One row of table(): for pages that add, update and remove rows in place. */
export function tableRow(columns, row, rowClass) {
  return h('tr', { class: rowClass ? rowClass(row) : null }, columns.map((c) => tableCell(c, c.render(row))));
}

/** One cell of a table() row; tableCellContent() finds where its content goes, to update it in place. */
export function tableCell(column, content) {
  const c = column;
  const classes = [c.num ? 'num' : null, c.primary ? 'primary' : null, c.actions ? 'actions-cell' : null, c.cls];
  if (c.primary || c.actions) return h('td', { class: classes }, content);
  return h('td', { class: classes, 'data-label': c.label }, h('div', { class: 'cell' }, content));
}

export function tableCellContent(td) {
  return td.querySelector(':scope > .cell') || td;
}

/** A short message in the corner. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const el = h('div', { class: ['toast', kind === 'bad' ? 'toast-bad' : null] }, message);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'bad' ? 7000 : 3500);
}

/** Asks before something that cannot be undone, in a <dialog> (window.confirm would block automation). */
export function confirmDialog(title, text, okLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/** Copies text to the clipboard, reporting the result as a toast. */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied.');
  } catch {
    toast('Copy failed: select the text and copy it by hand.', 'bad');
  }
}
