// Shared by the kiosk and the staff pages: the websocket connection with
// reconnection, bilingual labels, money, the ticket board and detail, the
// barcode scanner.

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

// saveSession turns a login's nonce into the HttpOnly session cookie.
export async function saveSession(nonce) {
  if (!nonce) return;
  await fetch('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ nonce }), credentials: 'same-origin' });
}
export async function dropSession() {
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

// ticketDetail shows one ticket with its history and the moves allowed.
export async function openTicket(conn, number) {
  let d;
  try { d = await conn.call('ticket.get', { number }); } catch (e) { modal(`<p class="error">${errText(e)}</p><button class="btn" data-close>${t('关闭', 'Close')}</button>`); wireClose(); return; }
  const tk = d.ticket;
  const hist = (tk.history || []).map((h) => `<li>${time(h.time)} ${name(statusNames, h.from)} → ${name(statusNames, h.to)} · ${esc(h.operator)} ${esc(h.reason)}</li>`).join('');
  let moves = (d.next || []).filter((s) => s !== 'closed' || tk.status !== 'ready')
    .map((s) => `<button class="btn" data-move="${esc(s)}">→ ${name(statusNames, s)}</button>`).join(' ');
  if (tk.status === 'ready' && (d.next || []).includes('closed')) moves = `<button class="btn primary" id="pickup">${t('顾客取件', 'Pickup')}</button> ` + moves;
  const box = modal(`<h2 class="mono">${esc(tk.number)} <span class="pill st-${esc(tk.status)}">${name(statusNames, tk.status)}</span></h2>
    <dl class="kv"><dt>${t('类型', 'Kind')}</dt><dd>${name(kindNames, tk.kind)}</dd>
    <dt>${t('顾客', 'Customer')}</dt><dd>${esc(d.customer ? d.customer.name + ' ' + (d.customer.phones || []).join(', ') : '')}</dd>
    <dt>${t('商品', 'Product')}</dt><dd>${esc(d.purchase ? d.purchase.name : '')}</dd>
    <dt>${t('故障描述', 'Fault')}</dt><dd>${esc(tk.fault)}</dd><dt>${t('要求', 'Request')}</dt><dd>${esc(tk.request)}</dd>
    <dt>${t('维修员', 'Technician')}</dt><dd>${esc(tk.technician)}</dd><dt>${t('期限', 'Due')}</dt><dd>${time(tk.due)}</dd>
    <dt>${t('结论', 'Conclusion')}</dt><dd>${esc(tk.conclusion)}</dd></dl>
    <h3>${t('历史', 'History')}</h3><ul class="history">${hist}</ul>
    <div class="actions">${moves}<button class="btn secondary" data-close>${t('关闭', 'Close')}</button></div><p class="error" id="moveerr"></p>`);
  wireClose();
  const pickup = box.querySelector('#pickup');
  if (pickup) pickup.onclick = async () => {
    // Pickup closes the ticket (a paid service must be charged first); the
    // customer answers the survey on their own card at the kiosk.
    try { await conn.call('ticket.pickup', { number }); openTicket(conn, number); } catch (e) { box.querySelector('#moveerr').innerHTML = errText(e); }
  };
  box.querySelectorAll('[data-move]').forEach((b) => b.onclick = async () => {
    try { await conn.call('ticket.move', { number, to: b.dataset.move }); openTicket(conn, number); } catch (e) { box.querySelector('#moveerr').innerHTML = errText(e); }
  });
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
