// Shared by the kiosk and the staff pages: the websocket connection with
// reconnection, bilingual labels, money, the ticket board, progress
// indicators, print job notes, the barcode scanner. The ticket detail and
// its actions are in ticket.js.

import { catalog } from './catalog.js';

// Desk is one websocket per tab: requests get promises, events go to handlers.
export class Conn {
  constructor(desk) {
    this.desk = desk || '';
    this.pending = new Map();
    this.handlers = new Map();
    this.seq = 0;
    this.backoff = 500;
    this.connected = false;
    this.connect();
  }
  connect() {
    const u = new URL('/ws', location.href);
    u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.desk) u.searchParams.set('desk', this.desk);
    const key = deviceKey();
    if (key) u.searchParams.set('key', key);
    const ws = new WebSocket(u);
    this.ws = ws;
    ws.onopen = () => { this.backoff = 500; this.connected = true; banner(null); this.emit('open'); };
    ws.onmessage = (m) => {
      let f;
      try { f = JSON.parse(m.data); } catch { return; }
      if (f.event) { this.emit(f.event, f.data); return; }
      const p = this.pending.get(f.id);
      if (!p) return;
      this.pending.delete(f.id);
      if (f.ok) p.resolve(f.result); else p.reject(f.error);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.connected = false;
      banner(t('连接已断开，正在重连…', 'Connection lost, reconnecting…'));
      for (const p of this.pending.values()) p.reject({ code: 'unavailable', message: '连接已断开 / connection lost' });
      this.pending.clear();
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 8000);
    };
  }
  call(op, args) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1) { reject({ code: 'unavailable', message: '未连接 / not connected' }); return; }
      const id = String(++this.seq);
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, op, args: args || {} }));
    });
  }
  on(ev, fn) { (this.handlers.get(ev) || this.handlers.set(ev, []).get(ev)).push(fn); }
  emit(ev, data) {
    for (const fn of this.handlers.get(ev) || []) fn(data, ev);
    const dot = ev.indexOf('.');
    if (dot > 0) for (const fn of this.handlers.get(ev.slice(0, dot + 1) + '*') || []) fn(data, ev);
  }
}

// deviceKey is this browser's session key (docs/protocol.md "Sessions"):
// kept in the page's storage (localStorage: every tab of this browser on
// this origin shares it, no request carries it by itself), sent on the
// websocket and on CSV links beside the cookie, so a cookie taken off this
// browser alone logs nobody in.
export function deviceKey() { try { return localStorage.getItem('shouhou_key') || ''; } catch { return ''; } }

// saveSession keeps a login's device key and turns its nonce into the
// HttpOnly session cookie.
export async function saveSession(nonce, key) {
  if (!nonce) return;
  if (key) localStorage.setItem('shouhou_key', key);
  await fetch('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ nonce }), credentials: 'same-origin' });
}
export async function dropSession() {
  localStorage.removeItem('shouhou_key');
  await fetch('/session/logout', { method: 'POST', credentials: 'same-origin' });
}

// newKey is a client-made idempotency key (works on plain http too).
export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// safeURL is a URL fit for href or src, escaped: a path on this box
// ("/…", "#…") or an http(s) address; anything else (javascript:, data:,
// "//host") becomes "#".
export function safeURL(u) {
  const s = String(u ?? '');
  if ((s.startsWith('/') && !/^\/[/\\]/.test(s)) || s.startsWith('#') || /^https?:\/\//i.test(s)) return esc(s);
  return '#';
}

// t shows Chinese, or English after the switch.
export function t(zh, en) { return `<span class="zh">${esc(zh)}</span><span class="en">${esc(en)}</span>`; }

export function setupLang() {
  const btn = document.getElementById('lang');
  const apply = () => {
    const en = localStorage.getItem('lang') === 'en';
    document.body.classList.toggle('lang-en', en);
    btn.textContent = en ? '中文' : 'English';
  };
  btn.onclick = () => { localStorage.setItem('lang', localStorage.getItem('lang') === 'en' ? 'zh' : 'en'); apply(); };
  apply();
}

export function yuan(fen) {
  const neg = fen < 0; fen = Math.abs(fen || 0);
  return (neg ? '-' : '') + '¥' + Math.floor(fen / 100) + '.' + String(fen % 100).padStart(2, '0');
}

// said shows a bilingual text from the server ("中文 / English") as t()
// does, so the Chinese screen shows only the Chinese half; a text with no
// " / " is shown whole.
export function said(s) {
  const str = String(s ?? '');
  const i = str.indexOf(' / ');
  return i < 0 ? esc(str) : t(str.slice(0, i), str.slice(i + 3));
}

// period says a policy period ("1m", "90d", "1y") in words: 1个月 / 1 month.
export function period(s) {
  const m = String(s ?? '').match(/^(\d+)([dwmy])$/);
  if (!m) return esc(s);
  const n = Number(m[1]);
  const zh = { d: '天', w: '周', m: '个月', y: '年' }[m[2]], en = { d: 'day', w: 'week', m: 'month', y: 'year' }[m[2]];
  return t(n + zh, n + ' ' + en + (n === 1 ? '' : 's'));
}

export function errText(e) {
  if (!e) return '';
  if (e.message) return said(e.message);
  return e.code ? name(catalog.error, e.code) : esc(String(e));
}

// offerNewCustomer shows a phone lookup's error in el and, when the phone
// is not found, a form to take the caller in as a new customer: onNew gets
// {name, phones: [phone], new: true}, which an intake sends as customer.
export function offerNewCustomer(el, phone, err, onNew) {
  el.innerHTML = errText(err);
  if (!err || err.code !== 'not_found' || !phone) return;
  el.insertAdjacentHTML('beforeend', `<form id="newcust" class="lookup"><input id="newname" placeholder="顾客姓名 / customer's name" required>
    <button class="btn primary">${t('新建顾客', 'New customer')}</button></form>`);
  el.querySelector('#newcust').onsubmit = (e) => {
    e.preventDefault();
    onNew({ name: el.querySelector('#newname').value.trim(), phones: [phone], new: true });
  };
}

export function banner(html) {
  const b = document.getElementById('banner');
  if (!b) return;
  b.classList.toggle('hidden', !html);
  b.innerHTML = html || '';
}

// session is who is logged in on this screen ({id, role}); the pages keep
// it current so shared code shows only the actions the role may take (the
// server checks every op anyway).
export const session = { id: '', role: '' };
export function setSession(actor) { session.id = (actor && actor.id) || ''; session.role = (actor && actor.role) || ''; }
const roleSets = {
  staff: ['clerk', 'technician', 'supervisor', 'admin'], desk: ['clerk', 'supervisor', 'admin'],
  tech: ['technician', 'supervisor', 'admin'], approvers: ['supervisor', 'admin'],
};
// can reports whether the logged-in role is in a role set of docs/protocol.md.
export function can(set) { return (roleSets[set] || []).includes(session.role); }

// busy runs fn while btn shows a spinner and is disabled, so a second tap
// does nothing; it returns fn's result and restores the button.
export async function busy(btn, fn) {
  if (!btn) return fn();
  if (btn.disabled) return undefined;
  const label = btn.innerHTML;
  btn.disabled = true;
  btn.classList.add('busy');
  btn.innerHTML = `<span class="spinner"></span>${t('处理中…', 'Working…')}`;
  try { return await fn(); } finally { btn.disabled = false; btn.classList.remove('busy'); btn.innerHTML = label; }
}

// loading is the progress text shown while a view loads.
export function loading() { return `<p class="hint loading"><span class="spinner"></span>${t('加载中…', 'Loading…')}</p>`; }

// stateName is a device's state by its name (catalog printer or reader
// table), never its code; an unknown code reads "状态未知".
export function stateName(table, code) { return table[code] ? name(table, code) : t('状态未知', 'Unknown state'); }

// adminDetails is a "详情 / details" toggle with the device's internals
// (ids, paths, the driver's own words), for an admin only: "" for anyone
// else or when there is nothing to show. lines are [label zh, label en, value].
export function adminDetails(lines) {
  const shown = lines.filter(([, , v]) => v);
  if (session.role !== 'admin' || !shown.length) return '';
  return `<details class="devdetail"><summary>${t('详情', 'Details')}</summary><dl class="kv">${shown.map(([zh, en, v]) => `<dt>${t(zh, en)}</dt><dd class="mono">${esc(v)}</dd>`).join('')}</dl></details>`;
}

// printTrouble reports whether a printer state stops printing.
export function printTrouble(state) { return ['paper_out', 'cover_open', 'offline', 'absent', 'error'].includes(state); }

// jobNote says what happened to the slip of an op's result ({print_job,
// printer, print_error}): printing, or the printer's trouble, never an
// error of the op itself (the record is saved either way).
export function jobNote(r, zh = '正在打印', en = 'Slip printing') {
  if (!r || (!r.print_job && !r.print_error)) return '';
  if (r.print_error) {
    return `<div class="printnote warn" id="printnote">${t('单据未打印', 'Slip not printed')}: ${esc(r.print_error)}
      <span class="sub">${t('记录已保存，可稍后重打', 'the record is saved; reprint it later')}</span></div>`;
  }
  const done = jobsDone.has(r.print_job);
  return `<div class="printnote ${done ? 'printed' : ''}" id="printnote" data-job="${esc(r.print_job)}" data-printer="${esc(r.printer || '')}">${done ? '✓ ' : '<span class="spinner"></span>'}<span class="plabel">${done ? t(printed(zh), printed(en)) : t(zh, en)}</span>
    <span class="pstate"></span></div>`;
}

// printed turns a print note's "…正在打印" / "… printing" into
// "…已打印" / "… printed", so a note never says both.
function printed(s) { return s.replace('正在打印', '已打印').replace(/printing$/i, 'printed'); }

// markPrinted rewrites a drawn print note as printed.
function markPrinted(n) {
  n.classList.remove('warn'); n.classList.add('printed');
  n.querySelector('.spinner')?.replaceWith('✓ ');
  n.querySelectorAll('.plabel .zh, .plabel .en').forEach((s) => { s.textContent = printed(s.textContent); });
  n.querySelector('.pstate').textContent = '';
}

// watchPrintJobs keeps the print notes on screen current: printed, or
// waiting with the job's last error (printjob.updated events).
const jobsDone = new Set(); // jobs seen printed, for a note drawn after the event
export function watchPrintJobs(conn) {
  conn.on('printjob.updated', (d) => {
    const job = d && d.job;
    if (!job) return;
    if (job.status === 'done') { jobsDone.add(job.id); if (jobsDone.size > 200) jobsDone.delete(jobsDone.values().next().value); }
    document.querySelectorAll(`.printnote[data-job="${CSS.escape(job.id)}"]`).forEach((n) => {
      if (job.status === 'done') markPrinted(n);
      else if (job.status === 'cancelled') { n.classList.add('warn'); n.querySelector('.spinner')?.remove(); n.querySelector('.pstate').innerHTML = t('已取消', 'cancelled'); }
      else if (job.last_error) { n.classList.add('warn'); n.querySelector('.pstate').innerHTML = `${t('等待打印机，稍后自动重试', 'waiting for the printer; it retries by itself')}${adminDetails([['打印机报错', 'Printer error', job.last_error]])}`; }
    });
  });
}

// printerState adds the printer's trouble, if any, to the print note under
// root (a queued slip waits there until the printer is fixed).
export async function printerState(conn, root) {
  const n = root && root.querySelector('#printnote[data-printer]');
  if (!n || !n.dataset.printer) return;
  try {
    const p = (await conn.call('printer.status') || []).find((x) => x.printer === n.dataset.printer);
    if (p && printTrouble(p.state)) {
      n.classList.add('warn');
      n.querySelector('.pstate').innerHTML = `${t('打印机状态', 'Printer status')}: ${stateName(printerStateNames, p.state)}${adminDetails([['说明', 'Detail', p.detail]])}`;
    }
  } catch { /* the note stays as it is */ }
}

// modal shows html in the dialog, or closes it when html is empty; ctx
// and fresh are redrawKeeping's: a dialog drawn again for the same record
// keeps what was typed into it.
export function modal(html, ctx = '', fresh = false) {
  const m = document.getElementById('modal');
  redrawKeeping(document.getElementById('modalbox'), html || '', ctx, fresh);
  m.classList.toggle('hidden', !html);
  return document.getElementById('modalbox');
}

// redrawKeeping replaces root's markup with html without losing what the
// person at the screen typed. ctx names the record the markup is drawn
// for ("panel:demo-01", "ticket:T20261204-0001"); when root's markup
// before was drawn by redrawKeeping for the same ctx (and not written
// over since), and fresh is false:
//   - every input, textarea and select the clerk changed since it was
//     drawn (its value, tick or choice is not the one drawn: dirty) gets
//     the typed value back, if the new markup has a field of the same key
//     (fieldKey) that is neither disabled nor read-only. The typed text
//     wins while the field is dirty; a field the clerk did not touch shows
//     the new data, and a field the new data locks shows the new data;
//   - the field that had the focus gets it back with its caret (selection);
//   - an element marked data-keep with an id, holding what a clerk's
//     action brought up (a scan's till lines, a lookup's answer), is moved
//     over whole, its handlers with it, in place of its empty namesake.
// For another record (ctx differs or is ""), or with fresh (a redraw
// after the clerk's own action sent what was typed), nothing is kept, so
// one customer's typing never shows in the next one's fields. A form
// whose typed text was sent should be reset (form.reset()) before a
// redraw that keeps, or its text comes back.
export function redrawKeeping(root, html, ctx, fresh = false) {
  const was = root.keptFor;
  const same = !fresh && ctx && was && was.ctx === ctx && was.first && was.first === root.firstChild;
  const snap = same ? snapshot(root) : null;
  root.innerHTML = html;
  root.keptFor = { ctx, first: root.firstChild };
  if (snap) restore(root, snap);
  return root;
}

// fields are root's inputs, textareas and selects by their keys.
function fields(root) {
  const seen = new Map(), out = [];
  for (const el of root.querySelectorAll('input, textarea, select')) {
    const k = fieldKey(root, el);
    if (!k || el.type === 'file') continue;
    const n = seen.get(k) || 0;
    seen.set(k, n + 1);
    out.push([n ? `${k}@${n}` : k, el]);
  }
  return out;
}

// fieldKey names a field on its screen: its id, or its name (with the
// value for a radio button or a check box of a group), or else its first
// data- attribute with the value; prefixed with the record it is in (the
// nearest data-number or data-printer under root: a ticket's survey, a
// printer's reprint form). A field with none of these is not kept.
function fieldKey(root, el) {
  const data = [...el.attributes].find((a) => a.name.startsWith('data-'));
  const own = el.id ? '#' + el.id : el.name ? el.name + (el.type === 'radio' || el.type === 'checkbox' ? '=' + el.value : '') : data ? `${data.name}=${data.value}` : '';
  if (!own) return '';
  const rec = el.parentElement && el.parentElement.closest('[data-number],[data-printer]');
  return rec && root.contains(rec) ? `${rec.dataset.number || rec.dataset.printer}/${own}` : own;
}

// dirty reports whether the clerk changed el since it was drawn.
function dirty(el) {
  if (el.type === 'checkbox' || el.type === 'radio') return el.checked !== el.defaultChecked;
  if (el.tagName === 'SELECT') return [...el.options].some((o) => o.selected !== o.defaultSelected);
  return el.value !== el.defaultValue;
}

// snapshot is what was typed under root: the dirty fields' values, the
// focused field's key and selection, the data-keep elements.
function snapshot(root) {
  const typed = new Map();
  let focus = null;
  for (const [k, el] of fields(root)) {
    if (dirty(el)) typed.set(k, el.tagName === 'SELECT' ? [...el.selectedOptions].map((o) => o.value) : el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value);
    if (el === document.activeElement) {
      focus = { key: k };
      try { if (el.selectionStart != null) Object.assign(focus, { start: el.selectionStart, end: el.selectionEnd, dir: el.selectionDirection }); } catch { /* no caret in this kind of field */ }
    }
  }
  const kept = new Map([...root.querySelectorAll('[data-keep][id]')].map((e) => [e.id, e]));
  return { typed, focus, kept };
}

// restore puts a snapshot back into root's new markup.
function restore(root, snap) {
  for (const e of root.querySelectorAll('[data-keep][id]')) {
    const old = snap.kept.get(e.id);
    if (old && !e.hasChildNodes()) e.replaceWith(old);
  }
  for (const [k, el] of fields(root)) {
    if (snap.typed.has(k) && !el.disabled && !el.readOnly) {
      const v = snap.typed.get(k);
      if (el.tagName === 'SELECT') [...el.options].forEach((o) => { o.selected = v.includes(o.value); });
      else if (el.type === 'checkbox' || el.type === 'radio') el.checked = v;
      else el.value = v;
    }
    if (snap.focus && snap.focus.key === k) {
      el.focus({ preventScroll: true });
      try { if (snap.focus.start != null) el.setSelectionRange(snap.focus.start, snap.focus.end, snap.focus.dir); } catch { /* no caret in this kind of field */ }
    }
  }
}

// afterComposing runs fn now, or, while an input method (pinyin, say) is
// composing in a field under root, once it is done: a redraw then would
// drop the half-typed syllables, which no restored value holds.
export function afterComposing(root, fn) {
  const a = document.activeElement;
  if (a && root.contains(a) && a.composing) a.addEventListener('compositionend', () => setTimeout(fn), { once: true });
  else fn();
}
document.addEventListener('compositionstart', (e) => { e.target.composing = true; }, true);
document.addEventListener('compositionend', (e) => { e.target.composing = false; }, true);

// The names of the server's codes come from its message catalogue
// (ui/catalog, served as catalog.js): one place for every word.
export const statusNames = catalog.status;
export const kindNames = catalog.kind;
export const cardStatusNames = catalog.cardStatus;
export const ledgerNames = catalog.ledger;
export const problemNames = catalog.problem;
export const outcomeNames = catalog.outcome;
export const payerNames = catalog.payer;
export const feeNames = catalog.fee;
export const resultNames = catalog.result;
export const callNames = catalog.call;
export const roleNames = catalog.role;
export const ruleNames = catalog.rule;
export const printerStateNames = catalog.printer;
export const readerStateNames = catalog.reader;
export const configFileNames = catalog.configFile;
export const surveyItems = [['attitude', '服务态度', 'Attitude'], ['skill', '技术水平', 'Skill'], ['timeliness', '及时性', 'Timeliness'], ['follow_up', '承诺办理', 'Follow-through']];
export const surveyLevels = [null, ['不满意', 'Poor'], ['基本满意', 'Fair'], ['满意', 'Satisfied'], ['非常满意', 'Very satisfied']];
export function name(table, k) { const v = table[k]; return v ? t(v[0], v[1]) : esc(k); }

// filterForm is the ticket board's filters, the same on the staff
// screens and the kiosk: kind, status and overdue, and with more the
// technician and a ticket number to open (the staff board).
export function filterForm(f, more) {
  const opts = (table, sel) => '<option value="">全部 All</option>' + Object.entries(table).map(([k, v]) => `<option value="${esc(k)}" ${sel === k ? 'selected' : ''}>${esc(v[0])} ${esc(v[1])}</option>`).join('');
  return `<form id="filter" class="filters">
    <label>${t('类型', 'Kind')} <select name="kind">${opts(kindNames, f.kind)}</select></label>
    <label>${t('状态', 'Status')} <select name="status">${opts(statusNames, f.status)}</select></label>
    ${more ? `<label>${t('维修员', 'Technician')} <input name="technician" value="${esc(f.technician || '')}"></label>` : ''}
    <label><input type="checkbox" name="overdue" ${f.overdue ? 'checked' : ''}> ${t('逾期', 'Overdue')}</label>
    ${more ? `<label>${t('单号', 'Number')} <input name="number" placeholder="T20260101-0001"></label>` : ''}</form>`;
}

// readFilter is what a filterForm says now.
export function readFilter(form) {
  return { kind: form.kind.value, status: form.status.value, technician: form.technician ? form.technician.value.trim() : '', overdue: form.overdue.checked };
}

// filterArgs are tickets.list's arguments for the filters f.
export function filterArgs(f) {
  const args = {};
  for (const k of ['kind', 'status', 'technician']) if (f[k]) args[k] = f[k];
  if (f.overdue) args.overdue = true;
  return args;
}

// orDash is the value s escaped, or "—" when it is blank.
export function orDash(s) { return String(s ?? '').trim() ? esc(s) : '—'; }

// typed is what somebody typed (a fault, a conclusion, a name), escaped
// and marked as theirs, not the screen's own words; "—" when blank.
export function typed(s) { return String(s ?? '').trim() ? `<span class="typed">${esc(s)}</span>` : '—'; }

// unset is a time the server left empty: nothing, or Go's zero time
// (0001-01-01), which a ticket without a due date carries.
export function unset(s) { return !s || String(s).startsWith('0001-01-01'); }
export function date(s) { return unset(s) ? '' : esc(String(s).slice(0, 10)); }
export function time(s) { return unset(s) ? '' : esc(String(s).replace('T', ' ').slice(0, 16)); }

// ticketRows renders ticket summaries as table rows (data-ticket opens one).
export function ticketTable(list) {
  if (!list || !list.length) return `<p class="empty">${t('没有服务单', 'No tickets')}</p>`;
  const people = list.some((x) => x.customer_name || x.phone);
  return `<table class="board"><thead><tr><th>${t('单号', 'Number')}</th><th>${t('类型', 'Kind')}</th><th>${t('状态', 'Status')}</th>
  ${people ? `<th>${t('顾客', 'Customer')}</th><th>${t('电话', 'Phone')}</th>` : ''}
  <th>${t('故障', 'Fault')}</th><th>${t('维修员', 'Technician')}</th><th>${t('期限', 'Due')}</th></tr></thead><tbody>` +
    list.map((x) => `<tr data-ticket="${esc(x.number)}" class="${x.overdue ? 'overdue' : ''}"><td class="mono">${esc(x.number)}</td>
    <td>${name(kindNames, x.kind)}</td><td><span class="pill st-${esc(x.status)}">${name(statusNames, x.status)}</span></td>
    ${people ? `<td class="typed">${orDash(x.customer_name)}</td><td class="mono">${orDash(x.phone)}</td>` : ''}
    <td class="typed">${orDash(x.fault)}</td><td>${orDash(x.technician_name || x.technician)}</td><td>${date(x.due) || '—'}${x.overdue ? ' ' + t('逾期', 'overdue') : ''}</td></tr>`).join('') +
    '</tbody></table>';
}

export function wireClose() {
  document.querySelectorAll('[data-close]').forEach((b) => b.onclick = () => modal(null));
}

// key is a button's keyboard shortcut, Alt and the key k, shown on the
// button itself: put it in the button's markup with data-key="k" on the
// button. Alt keeps shortcuts apart from what a barcode scanner types.
export function key(k) { return `<kbd class="mono key">Alt+${esc(k)}</kbd>`; }

// shortcuts presses the shown button whose data-key is the key typed with
// Alt (in the open dialog when there is one), and closes the dialog on Esc.
export function shortcuts() {
  document.addEventListener('keydown', (e) => {
    const box = document.getElementById('modal');
    const open = box && !box.classList.contains('hidden');
    if (e.key === 'Escape' && open) {
      const c = box.querySelector('[data-close]');
      if (c) { e.preventDefault(); c.click(); }
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const k = (e.code || '').replace(/^(Key|Digit)/, '');
    if (k.length !== 1) return;
    const scope = open ? box : document;
    const b = [...scope.querySelectorAll(`[data-key="${k}"]`)].find((x) => x.checkVisibility && x.checkVisibility() && !x.disabled);
    if (b) { e.preventDefault(); b.click(); }
  });
}

// scanner opens a ticket when a barcode scanner (a keyboard wedge) types
// its number and Enter quickly, outside any input field.
export function scanner(onTicket) {
  let buf = '', last = 0;
  document.addEventListener('keydown', (e) => {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;
    const now = Date.now();
    if (now - last > 100) buf = '';
    last = now;
    if (e.key === 'Enter') {
      const m = buf.toUpperCase().match(/T\d{8}-\d{4}$/);
      buf = '';
      if (m) { e.preventDefault(); onTicket(m[0]); }
      return;
    }
    if (e.key.length === 1) buf += e.key;
  });
}
