// The staff pages on the store LAN: the ticket board (live), the
// technician's queue, the supervisor's approvals, the call list, cards and
// their ledger, the print queue with printer and reader status, reports,
// and the config status. Each tab shows for the roles that may use it; the
// server checks every op anyway.
import { Conn, t, esc, yuan, errText, saveSession, dropSession, setupLang, ticketTable, scanner, name, busy, loading,
  setSession, watchPrintJobs, can, session, kindNames, statusNames, ledgerNames, cardStatusNames, time, roleNames, orDash, stateName, adminDetails, printerStateNames, readerStateNames, said, configFileNames, filterForm, readFilter, filterArgs, shortcuts,
  redrawKeeping, afterComposing } from './common.js';
import { openTicket, renderCalls } from './ticket.js';
import { caNote, renderTerminals } from './terminals.js';
import { mountSearch } from './search.js';
import { badge, refreshCounts } from './tabcounts.js';

const conn = new Conn('');
const main = document.getElementById('main');
const state = { me: null, tab: location.hash.slice(1) || 'board', filter: {}, card: '', report: null };
window.staff = { conn, state };
// tabs: [id, zh, en, role set or '' for every member of staff]
const tabs = [['board', '服务单', 'Tickets', ''], ['mine', '我的维修', 'My queue', 'tech'], ['approvals', '待审批', 'Approvals', 'approvers'],
  ['calls', '回访', 'Calls', 'desk'], ['cards', '卡与流水', 'Cards', 'desk'], ['print', '打印与设备', 'Devices', ''],
  ['reports', '报表', 'Reports', 'approvers'], ['audit', '审计', 'Audit', 'approvers'], ['config', '配置', 'Config', '']];

setupLang();
shortcuts();
watchPrintJobs(conn);
scanner((n) => openTicket(conn, n));
window.addEventListener('hashchange', () => { state.tab = location.hash.slice(1) || 'board'; render(); });

function loggedIn() { return state.me && state.me.actor && state.me.actor.role; }
function setMe(actor, nm) { state.me = { ...state.me, actor, name: nm }; setSession(actor); }

conn.on('open', async () => { try { state.me = await conn.call('whoami'); setSession(state.me.actor); document.getElementById('store').textContent = state.me.store; } catch {} render(); });
conn.on('session.ended', () => { setMe({ id: '', role: '' }, ''); render(); });
conn.on('ticket.*', () => { if (['board', 'mine', 'approvals'].includes(state.tab)) later('board', loadBoard); else if (state.tab === 'calls') later('calls', loadCalls); refreshDetail(); });
conn.on('ledger.entry', (e) => { if (state.tab === 'cards' && e.card === state.card) loadLedger(); });
conn.on('card.updated', (c) => { if (state.tab === 'cards' && c.number === state.card) loadLedger(); });
conn.on('config.*', () => { if (state.tab === 'config') loadConfig(); });
conn.on('reader.status', () => { if (state.tab === 'print') later('print', loadPrint); });
conn.on('printer.*', () => { if (state.tab === 'print') later('print', loadPrint); });
conn.on('printjob.*', () => { if (state.tab === 'print') later('print', loadPrint); });
conn.on('print.*', () => { if (state.tab === 'print') later('print', loadPrint); });
conn.on('events.lost', () => render());
for (const ev of ['ticket.*', 'printjob.*', 'printer.*', 'print.*']) conn.on(ev, () => { if (loggedIn()) later('counts', () => refreshCounts(conn)); });

// later runs fn once after a burst of events (one reload, not one per event).
const timers = {};
function later(key, fn) { clearTimeout(timers[key]); timers[key] = setTimeout(fn, 150); }

// refreshDetail redraws an open ticket detail that has no form in use,
// keeping what is typed in it (a move's reason) with the focus and the
// caret, and the last action's result (#tkmsg, data-keep), once any input
// method is done composing.
function refreshDetail() {
  const d = document.querySelector('#ticketdetail');
  // Not while an action's form is open, nor just after an action redrew it.
  if (!d || d.querySelector('#actionform form') || Date.now() - Number(d.dataset.shown) < 1500) return;
  later('detail', () => afterComposing(d, () => { if (document.querySelector('#ticketdetail') === d) openTicket(conn, d.dataset.number, { refresh: true }); }));
}

function visibleTabs() { return tabs.filter(([, , , set]) => !set || can(set)); }

function header() {
  mountSearch(conn, document.getElementById('search'), !!loggedIn());
  document.getElementById('tabs').innerHTML = loggedIn() ? visibleTabs().map(([id, zh, en], i) => `<a href="#${id}" class="tab ${state.tab === id ? 'on' : ''}" data-key="${esc(i + 1)}" title="Alt+${esc(i + 1)}">${t(zh, en)}${badge(id)}</a>`).join('') : '';
  if (loggedIn()) later('counts', () => refreshCounts(conn));
  const who = document.getElementById('who');
  who.innerHTML = loggedIn() ? `${esc(state.me.name || state.me.actor.id)} <span class="sub">(${name(roleNames, state.me.actor.role)})</span> <button class="btn small secondary" id="logout">${t('退出', 'Log out')}</button>` : '';
  if (loggedIn()) who.querySelector('#logout').onclick = async () => { await conn.call('logout').catch(() => {}); await dropSession(); setMe({ id: '', role: '' }, ''); render(); };
}

function render() {
  header();
  if (!state.me) { main.innerHTML = `<p class="hint">${t('正在连接…', 'Connecting…')}</p>`; return; }
  if (!loggedIn()) { renderLogin(); return; }
  if (state.tab === 'devices') state.tab = 'print';
  if (!visibleTabs().some(([id]) => id === state.tab)) state.tab = 'board';
  ({ board: renderBoard, mine: renderMine, approvals: renderApprovals, calls: renderCallsTab, cards: renderCards, print: renderPrint,
    reports: renderReports, audit: renderAudit, config: renderConfig }[state.tab] || renderBoard)();
}

function renderLogin() {
  main.innerHTML = `<form id="login" class="loginform"><h1>${t('员工登录', 'Staff login')}</h1>
    <label>${t('工号', 'Staff id')} <input id="staffid" autocomplete="username"></label>
    <label>PIN <input id="pin" type="password" inputmode="numeric" autocomplete="current-password"></label>
    <button class="btn primary">${t('登录', 'Log in')}</button><p class="error" id="loginerr"></p>${caNote(state.me)}</form>`;
  main.querySelector('#login').onsubmit = async (e) => {
    e.preventDefault();
    try {
      const r = await conn.call('login', { staff: main.querySelector('#staffid').value.trim(), pin: main.querySelector('#pin').value });
      await saveSession(r.nonce, r.key);
      setMe(r.actor, r.name);
      render();
    } catch (err) { main.querySelector('#loginerr').innerHTML = errText(err); }
  };
}

// boardArgs are the tickets.list filters of the tab shown.
function boardArgs() {
  if (state.tab === 'mine') return { technician: session.id };
  if (state.tab === 'approvals') return { status: 'approval' };
  return filterArgs(state.filter);
}

function renderBoard() {
  main.innerHTML = `<section><h1>${t('服务单', 'Tickets')}</h1>${filterForm(state.filter, true)}
    <div id="boardbody">${loading()}</div></section>`;
  const form = main.querySelector('#filter');
  form.onchange = () => { state.filter = readFilter(form); loadBoard(); };
  form.onsubmit = (e) => { e.preventDefault(); if (form.number.value.trim()) openTicket(conn, form.number.value.trim().toUpperCase()); };
  loadBoard();
}

function renderMine() {
  main.innerHTML = `<section><h1>${t('我的维修', 'My repair queue')} <span class="sub">${esc((state.me && state.me.name) || session.id)}</span></h1><div id="boardbody">${loading()}</div></section>`;
  loadBoard();
}

function renderApprovals() {
  main.innerHTML = `<section><h1>${t('待主管审批', 'Waiting for a supervisor')}</h1>
    <p class="sub">${t('打开服务单以批准、驳回，或对无法修复的商品做善后处理', 'Open a ticket to approve or reject it, or to settle an unrepairable item')}</p><div id="boardbody">${loading()}</div></section>`;
  loadBoard();
}

async function loadBoard() {
  const el = main.querySelector('#boardbody');
  if (!el) return;
  try {
    const list = await conn.call('tickets.list', boardArgs());
    el.innerHTML = `<p class="sub" id="count">${t(`共 ${list.length} 张服务单`, `${list.length} ticket${list.length === 1 ? '' : 's'}`)}</p>` + ticketTable(list);
    el.querySelectorAll('[data-ticket]').forEach((r) => r.onclick = () => openTicket(conn, r.dataset.ticket));
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

function renderCallsTab() { main.innerHTML = `<section><h1>${t('今日回访', "Today's calls")}</h1><div id="callsbody"></div></section>`; loadCalls(); }
function loadCalls() { const el = main.querySelector('#callsbody'); if (el) renderCalls(conn, el); }

function renderCards() {
  main.innerHTML = `<section><h1>${t('卡与流水', 'Cards and ledger')}</h1>
    <form id="cardform" class="filters"><label>${t('卡号', 'Card number')} <input id="cardno" value="${esc(state.card)}" placeholder="SC-000001"></label>
    <label>${t('或电话', 'or phone')} <input id="cardphone"></label><button class="btn">${t('查询', 'Look up')}</button></form><div id="ledgerbody">
    <p class="hint" id="cardhint">${t('输入卡号或顾客电话，查看卡的余额和每一笔流水', "Type a card number or the customer's phone to see the card's balance and every entry of its ledger")}</p></div></section>`;
  main.querySelector('#cardform').onsubmit = async (e) => {
    e.preventDefault();
    const phone = main.querySelector('#cardphone').value.trim();
    if (phone) {
      try { const p = await conn.call('customer.lookup', { phone }); state.card = p.card ? p.card.number : ''; } catch (err) { main.querySelector('#ledgerbody').innerHTML = `<p class="error">${errText(err)}</p>`; return; }
    } else state.card = main.querySelector('#cardno').value.trim().toUpperCase();
    main.querySelector('#cardno').value = state.card;
    loadLedger();
  };
  if (state.card) loadLedger();
}

async function loadLedger() {
  const el = main.querySelector('#ledgerbody');
  if (!el || !state.card) return;
  try {
    const r = await conn.call('card.ledger', { card: state.card });
    el.innerHTML = `<h2 class="mono">${esc(r.card.number)} <span class="pill card-${esc(r.card.status)}">${name(cardStatusNames, r.card.status)}</span> ${t('余额', 'Balance')} <b id="ledgerbalance">${yuan(r.card.balance_fen)}</b></h2>
      <table class="board"><thead><tr><th>#</th><th>${t('时间', 'Time')}</th><th>${t('交易', 'Kind')}</th><th>${t('金额', 'Amount')}</th><th>${t('余额', 'Balance')}</th><th>${t('服务单', 'Ticket')}</th><th>${t('操作员', 'Operator')}</th></tr></thead><tbody>
      ${r.entries.map((e) => `<tr><td>${esc(e.seq)}</td><td>${time(e.time)}</td><td>${name(ledgerNames, e.kind)}</td><td>${yuan(e.amount_fen)}</td><td>${yuan(e.balance_fen)}</td><td>${esc(e.ticket || '')}</td><td>${esc(e.operator)}</td></tr>`).join('')}</tbody></table>`;
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

function renderConfig() { main.innerHTML = `<section><h1>${t('配置', 'Configuration')}</h1><div id="configbody"></div></section>`; loadConfig(); }
async function loadConfig() {
  const el = main.querySelector('#configbody');
  if (!el) return;
  try {
    const c = await conn.call('config.status');
    const since = c.history.length && c.history[0].version === c.version ? c.history[0].since : c.loaded_at;
    el.innerHTML = `<dl class="kv"><dt>${t('规则生效时间', 'Rules in force since')}</dt><dd id="cfgsince">${time(since)}</dd>
      <dt>${t('来源', 'Source')}</dt><dd>${c.dir ? t('本店配置目录', "the store's config directory") : t('内置默认', 'embedded defaults')}</dd></dl>
      ${c.last_error ? `<div class="alert" id="cfgerror">${t('最近一次配置修改未生效（仍使用原配置）', 'The last config edit was refused (the previous one stays)')}${adminDetails([['错误', 'Error', JSON.stringify(c.last_error.error)]])}</div>` : `<p class="ok">${t('没有配置错误', 'No config error')}</p>`}
      ${(c.warnings || []).map((w) => `<div class="warn">${said(w)}</div>`).join('')}
      <h2>${t('修改记录', 'What changed')}</h2>${configHistory(c.history)}
      <h2>${t('配置内容', 'What is configured')}</h2><ul id="cfgfiles">${c.files.map((f) => `<li>${name(configFileNames, f.name)}</li>`).join('')}</ul>
      ${adminDetails([['版本', 'Version', c.version], ['目录', 'Directory', c.dir], ...c.files.map((f) => [f.name, f.name, f.path])])}
      <h2>HTTPS</h2>${caNote(state.me) || `<p class="sub">${t('本机未启用 HTTPS', 'This box serves no HTTPS')}</p>`}
      ${session.role === 'admin' ? `<h2>${t('已登录终端', 'Logged-in terminals')}</h2><div id="terminalsbody"></div>` : ''}`;
    renderTerminals(conn, el.querySelector('#terminalsbody'));
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

// configHistory lists how the config changed, newest first: when, and
// each setting by its file and key as the admin wrote it, old → new (a
// secret only as changed).
function configHistory(hs) {
  if (!hs.length) return `<p class="sub" id="cfghistory">${t('尚无记录', 'Nothing recorded yet')}</p>`;
  const val = (v) => v === '' ? `<span class="sub">${t('（无）', '(none)')}</span>` : `<span class="mono">${esc(v)}</span>`;
  const change = (x) => `<li>${name(configFileNames, x.file)} <span class="mono">${esc(x.key)}</span>: ${x.secret ? t('已更改', 'changed')
    : x.old === '' ? t('新增', 'added') + ' ' + val(x.new) : x.new === '' ? t('删除', 'removed') + ' ' + val(x.old) : val(x.old) + ' → ' + val(x.new)}</li>`;
  return `<ul id="cfghistory" class="history">${hs.map((h) => `<li><b>${time(h.since)}</b> ${h.first ? t('本店首次启用的配置', 'the first config this store recorded')
    : !h.changes.length ? t('只改了注释或格式，规则不变', 'only comments or layout changed; no rule did')
    : `${t('修改了', 'changed')} ${h.changes.length} ${t('项', h.changes.length === 1 ? 'setting' : 'settings')}<ul>${h.changes.slice(0, 50).map(change).join('')}</ul>`}</li>`).join('')}</ul>`;
}

// The print queue: each printer's state and queued jobs, with cancel,
// retry, reprint and move to another printer; the readers below.
function renderPrint() { main.innerHTML = `<section><h1>${t('打印与设备', 'Printing and devices')}</h1><div id="printbody">${loading()}</div><div id="devbody"></div></section>`; loadPrint(); watchChain(); }

// watchChain reads chain.status again every 5 s while the tab shows it,
// so the count of events waiting for head office moves on screen.
let chainTimer = 0;
function watchChain() {
  clearInterval(chainTimer);
  chainTimer = setInterval(async () => {
    if (!main.querySelector('#devbody')) { clearInterval(chainTimer); return; }
    const ch = await conn.call('chain.status').catch((e) => ({ error: e }));
    const box = main.querySelector('#chainbox');
    if (box) box.innerHTML = chainBlock(ch);
  }, 5000);
}

async function loadPrint() {
  const el = main.querySelector('#printbody');
  if (!el) return;
  // print.queue: every printer with its state and queued jobs.
  const [pq, rd, ch] = await Promise.all([conn.call('print.queue', {}).catch((e) => ({ error: e })), conn.call('reader.status').catch((e) => ({ error: e })),
    conn.call('chain.status').catch((e) => ({ error: e }))]);
  if (!main.querySelector('#printbody')) return;
  if (pq.error) el.innerHTML = `<p class="error">${errText(pq.error)}</p>`;
  else {
    const printers = pq || [];
    // Print events redraw it often: a job id typed to reprint, a printer picked to move to, stay.
    redrawKeeping(el, printers.map((p) => printerCard(p, p.jobs || [], printers)).join('') || `<p class="empty">${t('没有配置打印机', 'No printers configured')}</p>`, 'print');
    wirePrint(el);
  }
  main.querySelector('#devbody').innerHTML = `<h2>${t('读卡器', 'Card readers')}</h2>` + (rd.error ? `<p class="error">${errText(rd.error)}</p>` :
    `<table class="board" id="readers"><thead><tr><th>${t('读卡器', 'Reader')}</th><th>${t('服务台', 'Desk')}</th><th>${t('状态', 'State')}</th><th>${t('时间', 'Time')}</th></tr></thead><tbody>
    ${rd.readers.map((r) => `<tr><td>${r.reader ? said(r.reader) : t('读卡服务', 'Card service')}</td><td class="mono">${orDash(r.desk)}</td><td><span class="pill rs-${esc(r.status || r.kind)}">${stateName(readerStateNames, r.status || (r.kind === 'error' ? 'error' : 'ok'))}</span>${adminDetails([['说明', 'Detail', r.detail]])}</td><td>${time(r.time)}</td></tr>`).join('')}</tbody></table>`) + `<div id="chainbox">${chainBlock(ch)}</div>`;
}

// chainBlock is the chain uplink's state (chain.status): connected or
// not, the events not yet sent to head office, the last error behind the
// admin details; nothing outside a chain.
function chainBlock(ch) {
  if (ch.error) return `<h2>${t('连锁上传', 'Chain uplink')}</h2><p class="error">${errText(ch.error)}</p>`;
  if (!ch.on) return '';
  const u = ch.uplink || {};
  const b = u.blacklist || {};
  return `<div id="chain"><h2>${t('连锁上传', 'Chain uplink')}</h2>
    <p><span class="pill ${u.connected ? 'ok' : 'warn'}">${u.connected ? t('已连接', 'Connected') : t('未连接', 'Not connected')}</span>
    <span class="${u.lag > 0 ? 'warn' : ''}">${t(`待上传 ${u.lag ?? 0} 条`, `${u.lag ?? 0} events not yet sent`)}</span></p>
    ${adminDetails([['门店编号', 'Branch', u.branch], ['最近错误', 'Last error', u.last_error], ['已确认到', 'Acked up to', String(u.acked ?? '')], ['最新事件', 'Head', String(u.head ?? '')],
      ['黑名单同步到', 'Blacklist applied', String(b.applied ?? '')], ['黑名单错误', 'Blacklist error', b.last_error]])}</div>`;
}

function printerCard(p, jobs, printers) {
  const others = printers.filter((o) => o.printer !== p.printer);
  const desk = can('desk');
  const rows = jobs.map((j) => `<tr data-job="${esc(j.id)}">
    <td class="mono">${esc(j.id)}</td><td>${esc(j.form)}</td><td>${time(j.created)}</td><td>${esc(j.attempts)}${j.may_have_printed ? ` <span class="warn">${t('可能已打印', 'may have printed')}</span>` : ''}</td>
    <td class="error">${j.last_error ? t('未能打印，自动重试中', 'not printed yet; retrying') + adminDetails([['打印机报错', 'Printer error', j.last_error]]) : ''}</td><td>${desk ? `<button class="btn small danger" data-cancel="${esc(j.id)}">${t('取消', 'Cancel')}</button>
      ${others.length ? `<select data-moveto="${esc(j.id)}">${others.map((o) => `<option value="${esc(o.printer)}">${esc(o.name || o.printer)}</option>`).join('')}</select>
      <button class="btn small" data-move="${esc(j.id)}">${t('改到此打印机', 'Move')}</button>` : ''}` : ''}<span class="error"></span></td></tr>`).join('');
  return `<div class="printer" data-printer="${esc(p.printer)}"><h2>${esc(p.name || p.printer)}
    <span class="pill ps-${esc(p.state)}">${stateName(printerStateNames, p.state)}</span> ${p.paper_near_end ? `<span class="warn">${t('纸将用完', 'paper near end')}</span>` : ''}</h2>
    ${adminDetails([['打印机编号', 'Printer id', p.printer], ['说明', 'Detail', p.detail]])}
    <p>${t('排队', 'Queued')} <b class="queued">${esc(p.queued)}</b>
    ${desk ? `<button class="btn small" data-retry="${esc(p.printer)}">${t('立即重试', 'Retry now')}</button>` : ''}</p>
    ${jobs.length ? `<table class="board jobs"><thead><tr><th>#</th><th>${t('单据', 'Form')}</th><th>${t('时间', 'Queued')}</th><th>${t('尝试', 'Tries')}</th><th>${t('错误', 'Error')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">${t('队列为空', 'Nothing queued')}</p>`}
    ${desk ? `<form class="filters reprint" data-reprint="${esc(p.printer)}"><label>${t('重打作业号', 'Reprint job id')} <input name="id" class="mono"></label><button class="btn small">${t('重打', 'Reprint')}</button><span class="error"></span></form>` : ''}</div>`;
}

function wirePrint(el) {
  const fail = (b, e) => { const s = b.closest('tr,form,p').querySelector('.error'); if (s) s.innerHTML = errText(e); };
  const act = (b, op, args) => busy(b, async () => { try { await conn.call(op, args); b.closest('form')?.reset(); loadPrint(); } catch (e) { fail(b, e); } });
  el.querySelectorAll('[data-cancel]').forEach((b) => b.onclick = () => act(b, 'print.cancel', { id: b.dataset.cancel }));
  el.querySelectorAll('[data-retry]').forEach((b) => b.onclick = () => act(b, 'print.retry', { printer: b.dataset.retry }));
  el.querySelectorAll('[data-move]').forEach((b) => b.onclick = () => act(b, 'print.move', { id: b.dataset.move, printer: el.querySelector(`[data-moveto="${CSS.escape(b.dataset.move)}"]`).value }));
  el.querySelectorAll('[data-reprint]').forEach((f) => f.onsubmit = (e) => { e.preventDefault(); act(f.querySelector('button'), 'print.reprint', { id: f.id.value.trim(), printer: f.dataset.reprint }); });
}

// Reports: the KPIs with charts, the daily closing (日结), complaints and the
// daily reports, each table with its CSV download (reports.js).
function renderReports() {
  import('./reports.js').then(({ mountReports }) => { if (state.tab === 'reports') mountReports(main, conn, state.me && state.me.time_zone); })
    .catch((e) => { main.innerHTML = `<p class="error">${esc(e.message || e)}</p>`; });
}

// The audit log (audit.js): who did what, when, from where; supervisors and admins.
function renderAudit() {
  import('./audit.js').then(({ mountAudit }) => { if (state.tab === 'audit') mountAudit(main, conn); })
    .catch((e) => { main.innerHTML = `<p class="error">${esc(e.message || e)}</p>`; });
}
