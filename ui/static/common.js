// Shared by the kiosk and the staff pages: the websocket connection with
// reconnection, bilingual labels, money, the ticket board, progress
// indicators, print job notes, the barcode scanner. The ticket detail and
// its actions are in ticket.js.

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

export function errText(e) {
  if (!e) return '';
  return esc(e.message || e.code || String(e));
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
  return `<div class="printnote ${done ? 'printed' : ''}" id="printnote" data-job="${esc(r.print_job)}" data-printer="${esc(r.printer || '')}">${done ? '' : '<span class="spinner"></span>'}${t(zh, en)}
    <span class="mono">${esc(r.printer || '')} #${esc(r.print_job)}</span> <span class="pstate">${done ? '✓ ' + t('已打印', 'printed') : ''}</span></div>`;
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
      if (job.status === 'done') { n.classList.remove('warn'); n.classList.add('printed'); n.querySelector('.spinner')?.remove(); n.querySelector('.pstate').innerHTML = '✓ ' + t('已打印', 'printed'); }
      else if (job.status === 'cancelled') { n.classList.add('warn'); n.querySelector('.spinner')?.remove(); n.querySelector('.pstate').innerHTML = t('已取消', 'cancelled'); }
      else if (job.last_error) { n.classList.add('warn'); n.querySelector('.pstate').innerHTML = `${t('打印机状态', 'Printer status')}: ${esc(job.last_error)}`; }
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
      n.querySelector('.pstate').innerHTML = `${t('打印机状态', 'Printer status')}: ${esc(p.detail || p.state)}`;
    }
  } catch { /* the note stays as it is */ }
}

export function modal(html) {
  const m = document.getElementById('modal');
  document.getElementById('modalbox').innerHTML = html || '';
  m.classList.toggle('hidden', !html);
  return document.getElementById('modalbox');
}

export const statusNames = {
  open: ['受理', 'Open'], approval: ['待审批', 'Approval'], in_repair: ['维修中', 'In repair'], at_vendor: ['送厂', 'At maker'],
  ready: ['待取件', 'Ready'], mail_back: ['待寄回', 'Mail back'], closed: ['已结案', 'Closed'], cancelled: ['已取消', 'Cancelled'],
};
export const kindNames = {
  return: ['退货', 'Return'], exchange: ['换货', 'Exchange'], repair: ['维修', 'Repair'], onsite: ['上门', 'On-site'],
  complaint: ['投诉', 'Complaint'], consultation: ['咨询', 'Consultation'], storage: ['暂存', 'Storage'], delivery: ['送货', 'Delivery'],
  out_of_stock: ['缺货登记', 'Out of stock'], maintenance: ['保养合同', 'Maintenance'],
};
export const cardStatusNames = { active: ['正常', 'Active'], lost: ['已挂失', 'Lost'], replaced: ['已补换', 'Replaced'], cancelled: ['已注销', 'Cancelled'] };
export const ledgerNames = {
  issue: ['开卡', 'Issue'], topup: ['充值', 'Top-up'], charge: ['扣款', 'Charge'], refund: ['退款', 'Refund'], reversal: ['冲正', 'Reversal'],
  transfer_out: ['转出', 'Transfer out'], transfer_in: ['转入', 'Transfer in'], cashout: ['退现', 'Cash-out'],
};
export const problemNames = {
  quality: ['质量问题', 'Quality problem'], not_quality: ['非质量问题', 'Not a quality problem'],
  customer_damage: ['人为损坏', 'Damaged by the customer'], transport_damage: ['运输损坏', 'Damaged in transport'],
};
export const outcomeNames = {
  return: ['退货', 'Return'], exchange: ['换货', 'Exchange'], free_repair: ['免费维修', 'Free repair'], paid_repair: ['收费维修', 'Paid repair'],
  none: ['不予受理', 'Nothing owed'], repair: ['维修', 'Repair'], other: ['其他', 'Other'],
};
export const payerNames = { store: ['门店承担', 'store pays'], customer: ['顾客承担', 'customer pays'], split: ['双方分摊', 'split'] };
export const feeNames = { restocking: ['折旧手续费', 'Restocking fee'], depreciation: ['折旧费', 'Depreciation'], shipping: ['运费', 'Shipping'] };
export const resultNames = { repaired: ['已修复', 'Repaired'], exchanged: ['已换新', 'Exchanged'], unrepairable: ['无法修复', 'Unrepairable'], declined: ['顾客拒绝报价', 'Quote declined'] };
export const callNames = {
  pickup: ['取件通知', 'Pickup notice'], late_repair: ['延期告知', 'Late repair notice'], stock_callback: ['缺货回访', 'Stock callback'],
  complaint_reply: ['投诉答复', 'Complaint reply'], contract_expiry: ['合同到期', 'Contract expiry'],
};
export const surveyItems = [['attitude', '服务态度', 'Attitude'], ['skill', '技术水平', 'Skill'], ['timeliness', '及时性', 'Timeliness'], ['follow_up', '承诺办理', 'Follow-through']];
export const surveyLevels = [null, ['不满意', 'Poor'], ['基本满意', 'Fair'], ['满意', 'Satisfied'], ['非常满意', 'Very satisfied']];
export function name(table, k) { const v = table[k]; return v ? t(v[0], v[1]) : esc(k); }

export function date(s) { return s ? esc(String(s).slice(0, 10)) : ''; }
export function time(s) { return s ? esc(String(s).replace('T', ' ').slice(0, 16)) : ''; }

// ticketRows renders ticket summaries as table rows (data-ticket opens one).
export function ticketTable(list) {
  if (!list || !list.length) return `<p class="empty">${t('没有服务单', 'No tickets')}</p>`;
  return `<table class="board"><thead><tr><th>${t('单号', 'Number')}</th><th>${t('类型', 'Kind')}</th><th>${t('状态', 'Status')}</th>
  <th>${t('故障', 'Fault')}</th><th>${t('维修员', 'Technician')}</th><th>${t('期限', 'Due')}</th></tr></thead><tbody>` +
    list.map((x) => `<tr data-ticket="${esc(x.number)}" class="${x.overdue ? 'overdue' : ''}"><td class="mono">${esc(x.number)}</td>
    <td>${name(kindNames, x.kind)}</td><td><span class="pill st-${esc(x.status)}">${name(statusNames, x.status)}</span></td>
    <td>${esc(x.fault)}</td><td>${esc(x.technician)}</td><td>${date(x.due)}${x.overdue ? ' ' + t('逾期', 'overdue') : ''}</td></tr>`).join('') +
    '</tbody></table>';
}

export function wireClose() {
  document.querySelectorAll('[data-close]').forEach((b) => b.onclick = () => modal(null));
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
