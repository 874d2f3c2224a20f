// The desk kiosk: staff log in with a PIN or their card; a customer's card
// opens the customer panel; with no staff logged in, the kiosk is the
// customer's own (masked) view and survey.
import { Conn, t, esc, yuan, errText, modal, wireClose, saveSession, dropSession, newKey, setupLang, busy, jobNote, printerState, setSession, watchPrintJobs,
  ticketTable, scanner, name, cardStatusNames, ledgerNames, date, time, offerNewCustomer, roleNames, filterForm, readFilter, filterArgs, shortcuts,
  redrawKeeping, afterComposing } from './common.js';
import { openTicket, pickupFlow, renderCalls } from './ticket.js';
import { Intake } from './intake.js';
import { receiptBox, wireReceipt } from './receipt.js';
import { lookupBox, wireLookupBox, slipScanned, showStatus, endStatus } from './lookup.js';
import { mountSearch } from './search.js';

const desk = new URLSearchParams(location.search).get('desk') || 'desk1';
const conn = new Conn(desk);
const main = document.getElementById('main');
const state = { me: null, panel: null, view: 'customer', refused: null, pin: '', slip: null, scanned: '', filter: {} };
window.kiosk = { conn, state }; // for tests and the benchmark

setupLang();
shortcuts();
watchPrintJobs(conn);
scanner((n) => { if (isStaff()) openTicket(conn, n); else if (!state.panel) scanSlip(n); });

// scanSlip takes a slip scanned at the idle kiosk as the number to look up.
function scanSlip(n) { if (state.slip || !slipScanned(main, n)) { state.slip = null; state.scanned = n; endStatus(); render(); } }

// me sets who is logged in here, for the shared ticket code too.
function me(actor, nm) { state.me = { ...state.me, actor, name: nm }; setSession(actor); }

function isStaff() { return state.me && state.me.actor && state.me.actor.role && state.me.actor.role !== 'customer'; }

conn.on('open', async () => {
  try {
    state.me = await conn.call('whoami');
    setSession(state.me.actor);
    document.getElementById('store').textContent = state.me.store;
    document.getElementById('deskname').textContent = state.me.desk_name || desk;
    if (state.me.actor.role === 'customer') state.panel = await conn.call('my.panel');
    else if (state.panel && isStaff() && state.panel.customer) {
      // reconcile: fetch the panel afresh after a reconnect
      const ph = (state.panel.customer.phones || [])[0];
      if (ph) state.panel = await conn.call('customer.lookup', { phone: ph }).catch(() => state.panel);
    }
  } catch (e) { /* shown by the banner */ }
  render();
});
conn.on('session.login', async (d) => { endStatus(); state.slip = null; await saveSession(d.nonce, d.key); me(d.actor, d.name); render(); });
conn.on('session.ended', () => { me({ id: '', role: '' }, ''); state.panel = null; state.intake = null; state.view = 'customer'; modal(null); render(); });
// card.presented shows the customer and their card on the next frame; a
// swipe's purchases and tickets follow in card.panel (p.partial until
// then), drawn after that frame so as not to hold it up.
let shown = Promise.resolve(); // settles once the last card.presented is on screen
conn.on('card.presented', (p) => {
  const got = Date.now();
  endStatus(); state.slip = null; // a card ends a slip's status at once
  const same = state.panel && state.panel.customer && state.panel.customer.id === p.customer.id;
  // the same customer again: keep the lists shown until card.panel brings them afresh
  if (same && p.partial) p = { ...p, purchases: state.panel.purchases, tickets: state.panel.tickets, partial: !!state.panel.partial };
  state.panel = p; state.refused = null;
  if (!isStaff()) me({ id: p.customer.id, role: 'customer' }, state.me && state.me.name);
  if (!same || state.view !== 'intake') state.view = 'customer';
  if (!same) { modal(null); state.intake = null; } // another customer: close what was open for the last one
  if (same && state.intake && state.view === 'intake') { state.intake.panel = p; return; } // keep what the clerk is typing
  render();
  const painted = afterPaint();
  shown = Promise.race([painted, new Promise((resolve) => setTimeout(resolve, 100))]); // a hidden screen draws no frames
  notePaint(p, got, painted);
});
conn.on('card.panel', (p) => shown.then(() => {
  const cur = state.panel;
  if (!cur || !cur.customer || cur.customer.id !== p.customer.id || cur.uid !== p.uid) return; // another card since
  state.panel = p;
  if (state.intake && state.view === 'intake') {
    const stale = state.intake.panel.partial;
    state.intake.panel = p;
    if (stale && state.intake.step === 'purchase') state.intake.render(); // it lists the purchases, which had not come
  } else if (state.view === 'customer' || !isStaff()) afterComposing(main, render);
  const s = (window.swipes || []).at(-1);
  if (s && s.uid === p.uid && !s.details) s.details = Date.now();
}));

// afterPaint settles once the next frame is drawn: a message posted from
// its animation frame callback runs when that frame's rendering is done.
function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  }));
}

// notePaint records when a swipe's panel reached the screen, for
// BenchmarkSwipeToPanel: the handler began (got), render returned, the
// first frame after it was drawn (painted), and, as the benchmark measured
// before issue 18, two animation frames after render.
function notePaint(p, got, painted) {
  const s = { seen: p.seen ? Date.parse(p.seen) : 0, got, rendered: Date.now(), uid: p.uid };
  (window.swipes = window.swipes || []).push(s);
  painted.then(() => { s.painted = Date.now(); });
  requestAnimationFrame(() => requestAnimationFrame(() => { s.painted2 = Date.now(); }));
}
conn.on('card.removed', () => { if (!isStaff()) { state.panel = null; me({ id: '', role: '' }, ''); render(); } });
conn.on('card.blocked', (b) => { state.refused = { lost: true, card: b.card, status: b.status }; if (!isStaff()) state.panel = null; render(); });
conn.on('card.refused', (r) => { state.refused = { error: r.error }; render(); });
conn.on('card.updated', (c) => {
  if (state.panel && state.panel.card && state.panel.card.number === c.number) { state.panel.card = { ...state.panel.card, ...c }; afterComposing(main, render); }
});
// A ticket event redraws the screen for the same customer: what is typed
// there stays (redrawKeeping); the board reloads only its table.
conn.on('ticket.*', () => {
  if (state.view === 'board') loadBoard();
  else if (state.me && state.me.actor.role === 'customer') conn.call('my.panel').then((p) => { state.panel = p; afterComposing(main, render); });
  else if (isStaff() && state.view === 'customer' && state.panel) refreshPanel();
});

// refreshPanel fetches the customer panel afresh (after a ticket changed).
let refreshing = null;
function refreshPanel() {
  const ph = state.panel && (state.panel.customer.phones || [])[0];
  if (!ph || refreshing) return;
  refreshing = conn.call('customer.lookup', { phone: ph }).then((p) => {
    if (state.panel && state.panel.customer.id === p.customer.id) { state.panel = { ...p, uid: state.panel.uid }; if (state.view === 'customer') afterComposing(main, render); }
  }).catch(() => {}).finally(() => { refreshing = null; });
}
conn.on('events.lost', () => location.reload());

function header() {
  mountSearch(conn, document.getElementById('search'), isStaff());
  const who = document.getElementById('who');
  if (isStaff()) {
    who.innerHTML = `${esc(state.me.name)} <span class="sub">(${name(roleNames, state.me.actor.role)})</span>
      <button class="btn small" id="tabcust">${t('顾客', 'Customer')}</button>
      <button class="btn small" id="tabboard">${t('服务单', 'Tickets')}</button>
      <button class="btn small" id="tabcalls">${t('回访', 'Calls')}</button>
      <button class="btn small secondary" id="logout">${t('退出', 'Log out')}</button>`;
    who.querySelector('#logout').onclick = async () => { await conn.call('logout').catch(() => {}); await dropSession(); state.panel = null; state.intake = null; state.view = 'customer'; me({ id: '', role: '' }, ''); render(); };
    who.querySelector('#tabcalls').onclick = () => { state.view = 'calls'; render(); };
    who.querySelector('#tabcust').onclick = () => { state.view = 'customer'; render(); };
    who.querySelector('#tabboard').onclick = () => { state.view = 'board'; render(); };
  } else who.innerHTML = '';
}

function render() {
  header();
  if (!state.me) { main.innerHTML = `<p class="hint">${t('正在连接…', 'Connecting…')}</p>`; return; }
  if (!isStaff()) {
    if (state.me.actor.role === 'customer' && state.panel) renderOwn();
    else if (state.slip) showStatus(main, state.slip, () => { state.slip = null; render(); });
    else renderWelcome();
    return;
  }
  if (state.view === 'board') { renderBoard(); return; }
  if (state.view === 'calls') { main.innerHTML = `<section><h1>${t('今日回访', "Today's calls")}</h1><div id="callsbody"></div></section>`; renderCalls(conn, main.querySelector('#callsbody')); return; }
  if (state.view === 'intake' && state.intake) { state.intake.render(); return; }
  renderStaffCustomer();
}

function refusedBox() {
  if (!state.refused) return '';
  if (state.refused.lost) return `<div class="alert big" id="refused">${t('此卡已挂失或停用，不能使用', 'This card is reported lost or void and cannot be used')} <span class="mono">${esc(state.refused.card)}</span></div>`;
  return `<div class="alert big" id="refused">${errText(state.refused.error)}</div>`;
}

function renderWelcome() {
  redrawKeeping(main, `${refusedBox()}<section class="welcome">
    <div class="idle"><div class="tap">${t('请将会员卡放在读卡器上', 'Please lay your card on the reader')}</div>${lookupBox(state.scanned)}</div>
    <div class="pinpad" id="pinpad">
      <h2>${t('员工登录', 'Staff login')}</h2>
      <input id="pin" type="password" inputmode="numeric" autocomplete="off" placeholder="PIN" value="${esc(state.pin)}">
      <div class="keys">${[1, 2, 3, 4, 5, 6, 7, 8, 9, 'C', 0, 'OK'].map((k) => `<button class="btn key" data-k="${k}">${k}</button>`).join('')}</div>
      <p class="error" id="pinerr"></p>
      <p class="sub">${t('或刷员工卡', 'or lay your staff card')}</p>
    </div>${state.me && state.me.ca_fingerprint ? `<p class="cafp" id="cafp">${t('本机证书指纹', 'Certificate fingerprint')} SHA-256 <span class="mono">${esc(state.me.ca_fingerprint)}</span></p>` : ''}</section>${demoBar()}`, 'welcome');
  const pin = main.querySelector('#pin');
  main.querySelectorAll('[data-k]').forEach((b) => b.onclick = () => {
    const k = b.dataset.k;
    if (k === 'C') pin.value = ''; else if (k === 'OK') login(pin.value); else pin.value += k;
  });
  pin.onkeydown = (e) => { if (e.key === 'Enter') login(pin.value); };
  state.scanned = '';
  wireLookupBox(conn, main, (st) => { state.slip = st; render(); });
  wireDemo();
}

async function login(pin) {
  try {
    const r = await conn.call('login', { pin });
    await saveSession(r.nonce, r.key);
    me(r.actor, r.name);
    state.refused = null;
    render();
  } catch (e) { const el = main.querySelector('#pinerr'); if (el) el.innerHTML = errText(e); const p = main.querySelector('#pin'); if (p) p.value = ''; }
}

function demoBar() {
  if (!state.me || !state.me.demo || !isStaff()) return '';
  const uids = []; for (let i = 1; i <= 20; i++) uids.push('04DE30' + i.toString(16).toUpperCase().padStart(2, '0'));
  return `<details class="demo"><summary>${t('演示：模拟刷卡', 'Demo: swipe a card')}</summary>
    ${uids.map((u) => `<button class="btn small" data-uid="${u}">${u}</button>`).join(' ')}
    <button class="btn small secondary" data-uid="">${t('取走卡片', 'Take card off')}</button></details>`;
}
function wireDemo() {
  main.querySelectorAll('[data-uid]').forEach((b) => b.onclick = () => {
    (b.dataset.uid ? conn.call('demo.present', { uid: b.dataset.uid }) : conn.call('demo.remove')).catch((e) => alert(e.message));
  });
}

// renderOwn is the customer's own view: balance, tickets, survey.
function renderOwn() {
  const p = state.panel;
  const surveys = (p.tickets || []).filter((x) => !x.surveyed && (x.status === 'ready' || x.status === 'closed'));
  redrawKeeping(main, `<section class="own" id="own">
    <h1>${t('您好', 'Hello')}, ${esc(p.customer.name)}</h1>
    <div class="balance">${t('余额', 'Balance')} <b id="balance">${yuan(p.card ? p.card.balance_fen : 0)}</b></div>
    <h2>${t('我的服务单', 'My tickets')}</h2>${p.partial ? loading() : ticketTable(p.tickets)}
    ${surveys.map((x) => surveyForm(x)).join('')}</section>`, 'own:' + p.customer.id);
  main.querySelectorAll('form.survey').forEach((f) => f.onsubmit = async (e) => {
    e.preventDefault();
    const v = (n) => Number((f.querySelector(`input[name=${n}]:checked`) || {}).value || 0);
    try {
      await conn.call('ticket.survey', { number: f.dataset.number, attitude: v('attitude'), skill: v('skill'), timeliness: v('timeliness'), follow_up: v('follow_up') });
      f.outerHTML = `<p class="ok">${t('谢谢您的评价！', 'Thank you for your feedback!')}</p>`;
    } catch (err) { f.querySelector('.error').innerHTML = errText(err); }
  });
}

function surveyForm(x) {
  const row = (key, zh, en) => `<div class="srow"><span>${t(zh, en)}</span>${[4, 3, 2, 1].map((n) =>
    `<label class="opt"><input type="radio" name="${key}" value="${n}" required>${t(['', '不满意', '一般', '满意', '非常满意'][n], ['', 'Poor', 'Fair', 'Good', 'Very good'][n])}</label>`).join('')}</div>`;
  return `<form class="survey" data-number="${esc(x.number)}"><h3>${t('满意度调查', 'Satisfaction survey')} <span class="mono">${esc(x.number)}</span></h3>
    ${row('attitude', '服务态度', 'Attitude')}${row('skill', '技术水平', 'Skill')}${row('timeliness', '及时性', 'Timeliness')}${row('follow_up', '承诺办理', 'Follow-through')}
    <button class="btn">${t('提交', 'Submit')}</button><p class="error"></p></form>`;
}

// loading stands in for the purchases and tickets of a partial panel.
function loading() { return `<p class="sub loading">${t('加载中…', 'Loading…')}</p>`; }

function renderStaffCustomer() {
  const p = state.panel;
  const lookup = `<form id="lookup" class="lookup"><input id="phone" inputmode="numeric" placeholder="${'电话 / phone'}"><button class="btn">${t('按电话查找', 'Find by phone')}</button></form>`;
  if (!p) {
    redrawKeeping(main, `${refusedBox()}<section class="waiting"><div class="tap">${t('请顾客刷卡，或按电话查找', 'Ask the customer to lay their card, or find them by phone')}</div>${lookup}<p class="error" id="lookuperr" data-keep></p></section>${demoBar()}`, 'panel:');
    wireLookup(); wireDemo(); return;
  }
  const c = p.card;
  // Picked up: the kinds whose ready tickets close at the desk (appliance/tickets Table).
  const ready = (p.tickets || []).filter((x) => x.pickup); // the server says which can be handed over
  redrawKeeping(main, `${refusedBox()}<section class="panel" id="panel">
    <div class="cust"><h1 id="custname">${esc(p.customer.name)}</h1><div class="phone">${esc((p.customer.phones || []).join(', '))}</div><div class="sub">${esc(p.customer.address || '')}</div></div>
    <div class="cardbox">${c ? `<div class="mono">${esc(c.number)} <span class="pill card-${esc(c.status)}">${name(cardStatusNames, c.status)}</span></div>
      <div class="balance">${t('余额', 'Balance')} <b id="balance">${p.foreign && !p.charged ? `${t('以发卡门店为准', 'kept at the issuing branch')} <span class="mono">${esc(p.foreign)}</span>` : yuan(c.balance_fen)}</b></div>` : t('没有卡', 'No card')}</div>
    <div class="actions big">${p.foreign ? '' : `<button class="btn primary" id="intakebtn">${t('受理', 'Intake')}</button>`}${c && c.status === 'active' ? `
      ${p.foreign ? '' : `<button class="btn primary" id="topup">${t('充值', 'Top up')}</button>`}
      <button class="btn" id="charge">${t('扣款', 'Charge')}</button>
      ${p.foreign ? '' : `<button class="btn danger" id="lost">${t('挂失', 'Report lost')}</button>`}` : ''}
      ${c && !p.foreign ? `<button class="btn secondary" id="ledger">${t('流水', 'Ledger')}</button>` : ''}
      <button class="btn secondary" id="closepanel">${t('完成', 'Done')}</button></div>
    ${p.foreign ? '' : receiptBox()}
    <h2>${t('购买记录', 'Purchases')}</h2>
    <table class="board"><thead><tr><th>${t('商品', 'Product')}</th><th>${t('购买日期', 'Bought')}</th><th>${t('价格', 'Price')}</th><th>${t('保修', 'Warranty')}</th></tr></thead><tbody>
    ${p.partial ? `<tr><td colspan="4">${loading()}</td></tr>` : ''}${(p.purchases || []).map((x) => `<tr><td>${esc(x.name)}<div class="sub">${esc(x.serial || '')}</div></td><td>${date(x.purchased)}</td><td>${yuan(x.price_fen)}</td>
      <td>${x.in_warranty ? `<span class="pill ok">${t('保内', 'In warranty')}</span>` : `<span class="pill off">${t('保外', 'Out of warranty')}</span>`} ${x.warranty_until ? t('至 ' + x.warranty_until, 'until ' + x.warranty_until) : ''}</td></tr>`).join('')}
    </tbody></table>
    ${ready.length ? `<div class="actions big pickups">${ready.map((x) => `<button class="btn primary" data-pickup="${esc(x.number)}">${t('取件', 'Pickup')} <span class="mono">${esc(x.number)}</span></button>`).join('')}</div>` : ''}
    <h2>${t('服务单', 'Tickets')}</h2>${p.partial ? loading() : ticketTable(p.tickets)}</section>${lookup}<p class="error" id="lookuperr" data-keep></p>${demoBar()}`, panelFor(p));
  wireLookup(); wireDemo(); wireTickets();
  main.querySelector('#closepanel').onclick = () => { state.panel = null; render(); };
  const startIntake = (till) => {
    state.intake = new Intake(conn, main, p, (tk) => { state.intake = null; state.view = 'customer'; render(); if (tk) refreshPanel(); }, till);
    state.view = 'intake';
    render();
  };
  if (p.foreign) { // another branch's card: it can only be charged here (card.charge with its UID)
    if (c && c.status === 'active') main.querySelector('#charge').onclick = () => money('card.charge', c, t('扣款', 'Charge'));
    return;
  }
  main.querySelector('#intakebtn').onclick = () => startIntake(null);
  wireReceipt(conn, main, startIntake, (n) => openTicket(conn, n));
  main.querySelectorAll('[data-pickup]').forEach((b) => b.onclick = () => pickupFlow(conn, b.dataset.pickup));
  if (c && c.status === 'active') {
    main.querySelector('#topup').onclick = () => money('card.topup', c, t('充值', 'Top up'));
    main.querySelector('#charge').onclick = () => money('card.charge', c, t('扣款', 'Charge'));
    main.querySelector('#lost').onclick = () => reportLost(c);
  }
  if (c) main.querySelector('#ledger').onclick = () => ledger(c.number);
}

// panelFor names the customer a panel is drawn for (redrawKeeping's
// ctx): a redraw for the same customer keeps what the clerk typed, one
// for another customer starts empty.
function panelFor(p) { return 'panel:' + (p.customer.id || 'new:' + (p.customer.phones || [])[0]); }

function wireLookup() {
  const f = main.querySelector('#lookup');
  f.onsubmit = async (e) => {
    e.preventDefault();
    const phone = f.querySelector('#phone').value.trim();
    try {
      state.panel = await conn.call('customer.lookup', { phone }); state.refused = null;
      f.reset(); main.querySelector('#lookuperr').innerHTML = ''; // found: the phone typed is done with, even for the customer shown
      render();
    } catch (err) {
      offerNewCustomer(main.querySelector('#lookuperr'), phone, err, (customer) => { state.panel = { customer, purchases: [], tickets: [] }; state.refused = null; render(); });
    }
  };
}
function wireTickets() { main.querySelectorAll('[data-ticket]').forEach((r) => r.onclick = () => openTicket(conn, r.dataset.ticket, { onPickup: (c, n) => pickupFlow(c, n) })); }

// money asks for an amount, confirms, and shows the receipt.
function money(op, card, title) {
  const key = newKey();
  const box = modal(`<h2>${title} <span class="mono">${esc(card.number)}</span></h2>
    <div class="amount">¥ <input id="amount" inputmode="decimal" autocomplete="off" placeholder="0.00"></div>
    <div class="keys">${[1, 2, 3, 4, 5, 6, 7, 8, 9, '.', 0, 'C'].map((k) => `<button class="btn key" data-k="${k}">${k}</button>`).join('')}</div>
    <div class="actions"><button class="btn primary" id="confirm">${t('确认', 'Confirm')}</button><button class="btn secondary" data-close>${t('取消', 'Cancel')}</button></div><p class="error" id="moneyerr"></p>`);
  wireClose();
  const input = box.querySelector('#amount');
  box.querySelectorAll('[data-k]').forEach((b) => b.onclick = () => { if (b.dataset.k === 'C') input.value = ''; else input.value += b.dataset.k; });
  const confirm = box.querySelector('#confirm');
  confirm.onclick = () => busy(confirm, async () => {
    const m = input.value.trim().match(/^(\d+)(?:\.(\d{1,2}))?$/);
    if (!m) { box.querySelector('#moneyerr').innerHTML = t('请输入金额，如 50 或 12.50', 'Enter an amount such as 50 or 12.50'); return; }
    const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
    try {
      const uid = op === 'card.charge' && state.panel.uid ? { uid: state.panel.uid } : {};
      const r = await conn.call(op, { key, card: card.number, amount_fen: fen, ...uid });
      state.panel.card = r.card;
      if (state.panel.foreign) state.panel.charged = true;
      const e = (r.entries || [])[0] || {};
      modal(`<div class="receipt" id="receipt"><h2>${t('交易凭条', 'Receipt')}</h2><dl class="kv">
        <dt>${t('卡号', 'Card')}</dt><dd class="mono">${esc(card.number)}</dd><dt>${t('交易', 'Transaction')}</dt><dd>${name(ledgerNames, e.kind)}</dd>
        <dt>${t('金额', 'Amount')}</dt><dd>${yuan(e.amount_fen)}</dd><dt>${t('余额', 'Balance')}</dt><dd>${yuan(r.card.balance_fen)}</dd>
        <dt>${t('时间', 'Time')}</dt><dd>${time(e.time)}</dd><dt>${t('操作员', 'Operator')}</dt><dd>${esc(e.operator)}</dd></dl>
        ${jobNote(r, '凭条正在打印', 'Receipt printing')}
        <p class="sub">${t('卡内资金专款专用', 'Card money is kept apart from other funds')}</p>
        <button class="btn primary" data-close>${t('完成', 'Done')}</button></div>`);
      wireClose(); render(); printerState(conn, document.getElementById('modalbox'));
    } catch (err) { box.querySelector('#moneyerr').innerHTML = errText(err); }
  });
}

function reportLost(card) {
  const box = modal(`<h2>${t('挂失', 'Report lost')} <span class="mono">${esc(card.number)}</span></h2>
    <p>${t('挂失后此卡立即停用，解挂需主管办理。', 'The card is blocked at once; only a supervisor can unblock it.')}</p>
    <div class="actions"><button class="btn danger" id="confirmlost">${t('确认挂失', 'Confirm')}</button><button class="btn secondary" data-close>${t('取消', 'Cancel')}</button></div><p class="error" id="losterr"></p>`);
  wireClose();
  box.querySelector('#confirmlost').onclick = async () => {
    try { const r = await conn.call('card.lost', { card: card.number }); state.panel.card = r.card; modal(null); render(); } catch (e) { box.querySelector('#losterr').innerHTML = errText(e); }
  };
}

async function ledger(number) {
  try {
    const r = await conn.call('card.ledger', { card: number });
    modal(`<h2>${t('流水', 'Ledger')} <span class="mono">${esc(number)}</span></h2><table class="board"><thead><tr><th>#</th><th>${t('时间', 'Time')}</th><th>${t('交易', 'Kind')}</th><th>${t('金额', 'Amount')}</th><th>${t('余额', 'Balance')}</th><th>${t('操作员', 'Operator')}</th></tr></thead><tbody>
      ${r.entries.map((e) => `<tr><td>${esc(e.seq)}</td><td>${time(e.time)}</td><td>${name(ledgerNames, e.kind)}</td><td>${yuan(e.amount_fen)}</td><td>${yuan(e.balance_fen)}</td><td>${esc(e.operator)}</td></tr>`).join('')}
      </tbody></table><button class="btn" data-close>${t('关闭', 'Close')}</button>`);
    wireClose();
  } catch (e) { alert(e.message); }
}

// renderBoard is the desk's ticket board with the staff board's filters
// (kind, status, overdue).
function renderBoard() {
  main.innerHTML = `<section><h1>${t('服务单', 'Tickets')}</h1>${filterForm(state.filter, false)}<div id="boardbody">${t('加载中…', 'Loading…')}</div></section>`;
  const form = main.querySelector('#filter');
  form.onchange = () => { state.filter = readFilter(form); loadBoard(); };
  form.onsubmit = (e) => e.preventDefault();
  loadBoard();
}

async function loadBoard() {
  try {
    const list = await conn.call('tickets.list', filterArgs(state.filter));
    const el = main.querySelector('#boardbody');
    if (el) { el.innerHTML = ticketTable(list); wireTickets(); }
  } catch (e) { main.querySelector('#boardbody').innerHTML = `<p class="error">${errText(e)}</p>`; }
}

