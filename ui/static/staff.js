// The staff pages on the store LAN: ticket board (live), card ledger,
// config status, reader and printer status.
import { Conn, t, esc, yuan, errText, modal, saveSession, dropSession, setupLang, ticketTable, openTicket,
  scanner, name, kindNames, statusNames, ledgerNames, cardStatusNames, time } from './common.js';

const conn = new Conn('');
const main = document.getElementById('main');
const state = { me: null, tab: location.hash.slice(1) || 'board', filter: {}, card: '' };
window.staff = { conn, state };
const tabs = [['board', '服务单', 'Tickets'], ['cards', '卡与流水', 'Cards'], ['config', '配置', 'Config'], ['devices', '设备', 'Devices']];

setupLang();
scanner((n) => openTicket(conn, n));
window.addEventListener('hashchange', () => { state.tab = location.hash.slice(1) || 'board'; render(); });

function loggedIn() { return state.me && state.me.actor && state.me.actor.role; }

conn.on('open', async () => { try { state.me = await conn.call('whoami'); document.getElementById('store').textContent = state.me.store; } catch {} render(); });
conn.on('session.ended', () => { state.me.actor = { id: '', role: '' }; render(); });
conn.on('ticket.*', () => { if (state.tab === 'board') loadBoard(); });
conn.on('ledger.entry', (e) => { if (state.tab === 'cards' && e.card === state.card) loadLedger(); });
conn.on('card.updated', (c) => { if (state.tab === 'cards' && c.number === state.card) loadLedger(); });
conn.on('config.*', () => { if (state.tab === 'config') loadConfig(); });
conn.on('reader.status', () => { if (state.tab === 'devices') loadDevices(); });
conn.on('printer.*', () => { if (state.tab === 'devices') loadDevices(); });
conn.on('events.lost', () => render());

function header() {
  document.getElementById('tabs').innerHTML = loggedIn() ? tabs.map(([id, zh, en]) => `<a href="#${id}" class="tab ${state.tab === id ? 'on' : ''}">${t(zh, en)}</a>`).join('') : '';
  const who = document.getElementById('who');
  who.innerHTML = loggedIn() ? `${esc(state.me.name || state.me.actor.id)} <span class="sub">(${esc(state.me.actor.role)})</span> <button class="btn small secondary" id="logout">${t('退出', 'Log out')}</button>` : '';
  if (loggedIn()) who.querySelector('#logout').onclick = async () => { await conn.call('logout').catch(() => {}); await dropSession(); state.me.actor = { id: '', role: '' }; render(); };
}

function render() {
  header();
  if (!state.me) { main.innerHTML = `<p class="hint">${t('正在连接…', 'Connecting…')}</p>`; return; }
  if (!loggedIn()) { renderLogin(); return; }
  ({ board: renderBoard, cards: renderCards, config: renderConfig, devices: renderDevices }[state.tab] || renderBoard)();
}

function renderLogin() {
  main.innerHTML = `<form id="login" class="loginform"><h1>${t('员工登录', 'Staff login')}</h1>
    <label>${t('工号', 'Staff id')} <input id="staffid" autocomplete="username"></label>
    <label>PIN <input id="pin" type="password" inputmode="numeric" autocomplete="current-password"></label>
    <button class="btn primary">${t('登录', 'Log in')}</button><p class="error" id="loginerr"></p></form>`;
  main.querySelector('#login').onsubmit = async (e) => {
    e.preventDefault();
    try {
      const r = await conn.call('login', { staff: main.querySelector('#staffid').value.trim(), pin: main.querySelector('#pin').value });
      await saveSession(r.nonce);
      state.me = { ...state.me, actor: r.actor, name: r.name };
      render();
    } catch (err) { main.querySelector('#loginerr').innerHTML = errText(err); }
  };
}

function renderBoard() {
  const opts = (table, sel) => `<option value="">—</option>` + Object.entries(table).map(([k, v]) => `<option value="${k}" ${sel === k ? 'selected' : ''}>${v[0]} ${v[1]}</option>`).join('');
  const f = state.filter;
  main.innerHTML = `<section><h1>${t('服务单', 'Tickets')}</h1><form id="filter" class="filters">
    <label>${t('类型', 'Kind')} <select name="kind">${opts(kindNames, f.kind)}</select></label>
    <label>${t('状态', 'Status')} <select name="status">${opts(statusNames, f.status)}</select></label>
    <label>${t('维修员', 'Technician')} <input name="technician" value="${esc(f.technician || '')}"></label>
    <label><input type="checkbox" name="overdue" ${f.overdue ? 'checked' : ''}> ${t('逾期', 'Overdue')}</label>
    <label>${t('单号', 'Number')} <input name="number" placeholder="T20260101-0001"></label></form>
    <div id="boardbody">${t('加载中…', 'Loading…')}</div></section>`;
  const form = main.querySelector('#filter');
  form.onchange = () => {
    state.filter = { kind: form.kind.value, status: form.status.value, technician: form.technician.value.trim(), overdue: form.overdue.checked };
    loadBoard();
  };
  form.onsubmit = (e) => { e.preventDefault(); if (form.number.value.trim()) openTicket(conn, form.number.value.trim().toUpperCase()); };
  loadBoard();
}

async function loadBoard() {
  const el = main.querySelector('#boardbody');
  if (!el) return;
  const f = state.filter, args = {};
  for (const k of ['kind', 'status', 'technician']) if (f[k]) args[k] = f[k];
  if (f.overdue) args.overdue = true;
  try {
    const list = await conn.call('tickets.list', args);
    el.innerHTML = `<p class="sub" id="count">${list.length}</p>` + ticketTable(list);
    el.querySelectorAll('[data-ticket]').forEach((r) => r.onclick = () => openTicket(conn, r.dataset.ticket));
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

function renderCards() {
  main.innerHTML = `<section><h1>${t('卡与流水', 'Cards and ledger')}</h1>
    <form id="cardform" class="filters"><label>${t('卡号', 'Card number')} <input id="cardno" value="${esc(state.card)}" placeholder="SC-000001"></label>
    <label>${t('或电话', 'or phone')} <input id="cardphone"></label><button class="btn">${t('查询', 'Look up')}</button></form><div id="ledgerbody"></div></section>`;
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
      ${r.entries.map((e) => `<tr><td>${e.seq}</td><td>${time(e.time)}</td><td>${name(ledgerNames, e.kind)}</td><td>${yuan(e.amount_fen)}</td><td>${yuan(e.balance_fen)}</td><td>${esc(e.ticket || '')}</td><td>${esc(e.operator)}</td></tr>`).join('')}</tbody></table>`;
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

function renderConfig() { main.innerHTML = `<section><h1>${t('配置', 'Configuration')}</h1><div id="configbody"></div></section>`; loadConfig(); }
async function loadConfig() {
  const el = main.querySelector('#configbody');
  if (!el) return;
  try {
    const c = await conn.call('config.status');
    el.innerHTML = `<dl class="kv"><dt>${t('版本', 'Version')}</dt><dd class="mono" id="cfgversion">${esc(c.version)}</dd><dt>${t('加载时间', 'Loaded')}</dt><dd>${time(c.loaded_at)}</dd>
      <dt>${t('目录', 'Directory')}</dt><dd>${esc(c.dir || t('内置默认', 'embedded defaults'))}</dd></dl>
      ${c.last_error ? `<div class="alert" id="cfgerror">${t('最近一次配置错误（旧配置仍在使用）', 'Last refused config (the previous one stays)')}: ${esc(JSON.stringify(c.last_error.error))}</div>` : `<p class="ok">${t('没有配置错误', 'No config error')}</p>`}
      ${(c.warnings || []).map((w) => `<div class="warn">${esc(w)}</div>`).join('')}
      <h2>${t('文件', 'Files')}</h2><ul>${c.files.map((f) => `<li><span class="mono">${esc(f.name)}</span> — ${esc(f.path)}</li>`).join('')}</ul>`;
  } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; }
}

function renderDevices() { main.innerHTML = `<section><h1>${t('设备', 'Devices')}</h1><div id="devbody"></div></section>`; loadDevices(); }
async function loadDevices() {
  const el = main.querySelector('#devbody');
  if (!el) return;
  const [rd, pr] = await Promise.all([conn.call('reader.status').catch((e) => ({ error: e })), conn.call('printer.status').catch((e) => ({ error: e }))]);
  el.innerHTML = `<h2>${t('读卡器', 'Card readers')}</h2>` + (rd.error ? `<p class="error">${errText(rd.error)}</p>` :
    `<table class="board" id="readers"><thead><tr><th>${t('读卡器', 'Reader')}</th><th>${t('服务台', 'Desk')}</th><th>${t('状态', 'State')}</th><th>${t('说明', 'Detail')}</th><th>${t('时间', 'Time')}</th></tr></thead><tbody>
    ${rd.readers.map((r) => `<tr><td>${esc(r.reader || 'pcscd')}</td><td>${esc(r.desk || '')}</td><td><span class="pill rs-${esc(r.status || r.kind)}">${esc(r.status || r.kind)}</span></td><td>${esc(r.detail || '')}</td><td>${time(r.time)}</td></tr>`).join('')}</tbody></table>`) +
    `<h2>${t('打印机', 'Printers')}</h2>` + (pr.error ? `<p class="error">${errText(pr.error)}</p>` :
    `<table class="board"><thead><tr><th>${t('打印机', 'Printer')}</th><th>${t('状态', 'State')}</th><th>${t('排队', 'Queued')}</th></tr></thead><tbody>
    ${(pr || []).map((p) => `<tr><td>${esc(p.name || p.printer)}</td><td>${esc(p.detail || p.state)}</td><td>${p.queued}</td></tr>`).join('')}</tbody></table>`);
}
