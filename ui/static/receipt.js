// The till receipt at the desk (docs/till.md): the clerk scans the
// customer's receipt (a keyboard-wedge scanner types the code, then
// Enter) or types its number, or a product serial; the receipt's lines
// come up (purchase.find); tapping one starts the intake with that
// purchase, whose date, price paid, category and serial are shown locked.
// A supervisor may correct them (purchase.correct, audited with a reason).
import { t, esc, yuan, date, errText, busy, session } from './common.js';

const ticketNumber = /^T\d{8}-\d{4}$/i;

// receiptBox is the scan field and the place its lines appear.
export function receiptBox() {
  return `<div class="receiptscan"><label>${t('扫描小票或输入小票号、序列号', 'Scan the receipt, or type its number or a serial')}
    <input id="receiptscan" autocomplete="off" spellcheck="false"></label><div id="receiptlines" data-keep></div></div>`;
}

// wireReceipt answers Enter in the scan field: a ticket number goes to
// onTicket (the ticket scanner cannot hear keys typed into a field), any
// other code is looked up and its lines shown; onPick(purchase) gets the
// tapped line. Lines a redraw kept (redrawKeeping: #receiptlines is
// data-keep) are wired to this onPick.
export function wireReceipt(conn, el, onPick, onTicket) {
  const input = el.querySelector('#receiptscan');
  if (!input) return;
  const lines = el.querySelector('#receiptlines');
  if (lines.found) wireLines(lines, onPick);
  if (document.activeElement === document.body || !document.activeElement) input.focus();
  input.onkeydown = async (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = input.value.trim();
    input.value = '';
    if (!code) return;
    if (onTicket && ticketNumber.test(code)) { onTicket(code.toUpperCase()); return; }
    const box = el.querySelector('#receiptlines');
    try {
      const f = await conn.call('purchase.find', { code });
      const ps = f.purchases || [];
      box.innerHTML = ps.length ? `<div class="purchases tilllines" data-by="${esc(f.by)}">
        <div class="sub">${f.by === 'serial' ? t('按序列号', 'By serial') : t('小票', 'Receipt')} <span class="mono">${esc(code)}</span></div>
        ${ps.map((p, i) => `<button class="btn purchase" data-tillline="${esc(i)}"><b>${esc(p.name)}</b>
          <span class="sub">${t('第 ' + p.line + ' 行', 'line ' + p.line)} · ${date(p.purchased)} · ${yuan(p.price_fen)} · ${esc(p.serial || '')}</span></button>`).join('')}</div>`
        : `<p class="empty" id="receiptnone">${t('没有找到', 'Nothing found for')} <span class="mono">${esc(code)}</span></p>`;
      box.found = ps;
      wireLines(box, onPick);
    } catch (err) { box.innerHTML = `<p class="error">${errText(err)}</p>`; box.found = null; }
  };
}

// wireLines makes each till line shown in box (box.found) start onPick.
function wireLines(box, onPick) {
  box.querySelectorAll('[data-tillline]').forEach((b) => b.onclick = () => onPick(box.found[Number(b.dataset.tillline)]));
}

// lockedHTML shows a till purchase's fields locked, with the
// supervisor's correction when the one logged in may make it.
export function lockedHTML(p) {
  const may = session.role === 'supervisor' || session.role === 'admin';
  const f = (k, zh, en, v) => `<label>${t(zh, en)} <input name="${esc(k)}" value="${esc(v)}" disabled></label>`;
  return `<div class="locked" id="tillpurchase" data-purchase="${esc(p.id)}">
    <div class="sub">🔒 ${t('来自收银小票，不可修改', 'From the till receipt: locked')} · <span class="mono">${esc(p.receipt)} / ${esc(p.line)}</span>${p.corrected ? ` · ${t('主管已更正', 'corrected by a supervisor')}` : ''}</div>
    <b id="tillname">${esc(p.name)}</b>
    <form id="tillfields" class="grid2">${f('purchased', '购买日期', 'Purchase date', String(p.purchased || '').slice(0, 10))}
      ${f('price', '实付金额（元）', 'Price paid (yuan)', (p.price_fen / 100).toFixed(2))}
      ${f('category', '类别', 'Category', p.category)}${f('serial', '序列号', 'Serial number', p.serial || '')}
      ${may ? `<label class="correctonly" hidden>${t('更正原因', 'Reason for the correction')} <input name="reason"></label>` : ''}</form>
    ${may ? `<div class="actions"><button type="button" class="btn" id="correct">${t('主管更正', 'Correct (supervisor)')}</button>
      <button type="button" class="btn primary" id="savecorrect" hidden>${t('保存更正', 'Save the correction')}</button></div>` : ''}</div>`;
}

// wireCorrect lets a supervisor unlock the fields and save a correction;
// onDone(purchase) gets the corrected purchase.
export function wireCorrect(conn, el, p, onDone, onError) {
  const open = el.querySelector('#correct'), save = el.querySelector('#savecorrect');
  if (!open) return;
  const form = el.querySelector('#tillfields');
  open.onclick = () => {
    form.querySelectorAll('input').forEach((i) => { i.disabled = false; });
    form.querySelector('.correctonly').hidden = false;
    open.hidden = true; save.hidden = false;
  };
  save.onclick = () => busy(save, async () => {
    const v = (k) => form[k].value.trim(), fix = {};
    if (v('purchased') !== String(p.purchased || '').slice(0, 10)) fix.purchased = v('purchased');
    const m = v('price').match(/^(\d+)(?:\.(\d{1,2}))?$/);
    if (!m) { onError({ message: t('实付金额应为元，如 399 或 12.50', 'The price is yuan, e.g. 399 or 12.50'), field: 'price_fen' }); return; }
    const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
    if (fen !== p.price_fen) fix.price_fen = fen;
    if (v('category') !== p.category) fix.category = v('category');
    if (v('serial') !== (p.serial || '')) fix.serial = v('serial');
    try {
      const fixed = await conn.call('purchase.correct', { id: p.id, fix, reason: v('reason') });
      form.reset(); // sent: the redraw shows the corrected purchase, not what was typed
      onDone(fixed);
    } catch (e) { onError(e); }
  });
}
