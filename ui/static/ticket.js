// The ticket detail (history, decision, fees) with the actions the
// logged-in role may take, the pickup flow (charge, pickup, survey) and the
// day's call list, shared by the kiosk and the staff pages. The server
// checks every op; a refusal shows its message.
import { t, esc, yuan, errText, modal, wireClose, busy, can, newKey, jobNote, printerState, name, date, time, loading, key,
  statusNames, kindNames, outcomeNames, payerNames, feeNames, resultNames, problemNames, callNames,
  surveyItems, surveyLevels, orDash, typed, period, said, ruleNames } from './common.js';

// decisionOf returns a ticket's stored policy decision, or null.
export function decisionOf(tk) {
  const d = tk && tk.decision;
  if (!d) return null;
  if (typeof d === 'string') { try { return JSON.parse(d); } catch { return null; } }
  return d;
}

// decisionHTML shows a policy decision: each outcome the customer may
// choose with its fees, who pays shipping, the rules and the approval.
export function decisionHTML(d) {
  if (!d) return '';
  if (d.error) return `<p class="error">${esc(d.error)}</p>`;
  const fee = (f) => `<li>${name(feeNames, f.name)} ${yuan(f.fen)} <span class="sub">${name(payerNames, f.payer)}</span></li>`;
  const outs = (d.outcomes || []).map((o) => `<div class="outcome ${o.requested ? 'requested' : ''}" data-outcome="${esc(o.kind)}">
    <h3>${name(outcomeNames, o.kind)}${o.requested ? ` <span class="pill ok">${t('顾客要求', 'requested')}</span>` : ''}</h3>
    ${o.refund_fen ? `<div>${t('退款', 'Refund')} <b>${yuan(o.refund_fen)}</b></div>` : ''}
    ${(o.fees || []).length ? `<ul class="fees">${oneShipping(o.fees).map(fee).join('')}</ul>` : `<div class="sub">${t('无费用', 'No fees')}</div>`}
    ${o.cap_fen ? `<div class="sub">${t('维修费上限', 'Repair cap')} ${yuan(o.cap_fen)}</div>` : ''}
    ${o.shipping && !(o.fees || []).some((f) => f.name === 'shipping') ? `<div>${t('运费', 'Shipping')}: ${name(payerNames, o.shipping)}</div>` : ''}
    ${o.until ? `<div class="sub">${t('期限至 ' + o.until, 'until ' + o.until)}</div>` : ''}
    ${o.repair_warranty ? `<div class="sub">${t('维修保修', 'Repair warranty')} ${period(o.repair_warranty)}${o.board_repair_warranty ? ` · ${t('维修过的板卡', 'a repaired board')} ${period(o.board_repair_warranty)}` : ''}</div>` : ''}
    ${o.approval && o.approval.needed ? `<div class="warn">${t('需主管审批', 'Needs a supervisor')}</div>` : ''}</div>`).join('');
  const ap = d.approval || {};
  const approval = ap.needed
    ? `<div class="alert" id="approval">${t('需主管审批', 'A supervisor must approve')}: ${esc(ap.reason || '')}</div>`
    : `<div class="ok" id="approval">${t('无需审批', 'No approval needed')}</div>`;
  const rules = (d.rules || []).map((r) => `<li data-rule="${esc(r.id)}">${ruleNames[r.id] ? name(ruleNames, r.id) : said(r.text)}
    <details class="why"><summary>${t('依据', 'why')}</summary>${said(r.text)} <span class="sub">${citation(r)}</span></details></li>`).join('');
  return `<div class="decision" id="decision">
    <div class="sub" data-config="${esc(d.config_version || '')}">${t('类别', 'Category')} ${esc(d.category_name || d.category || '')} · ${t('购买后第 ' + (d.day ?? '') + ' 天', 'day ' + (d.day ?? '') + ' after purchase')}</div>
    <div class="outcomes">${outs || `<p class="empty">${t('没有可选处理', 'No outcome')}</p>`}</div>
    ${approval}${rules ? `<ul class="rules" id="rules">${rules}</ul>` : ''}</div>`;
}

// oneShipping folds a shared shipping fee (the store's half and the
// customer's half) into one line paid by both, so shipping shows once.
function oneShipping(fees) {
  const ship = fees.filter((f) => f.name === 'shipping');
  if (ship.length < 2) return fees;
  const folded = { name: 'shipping', fen: ship.reduce((s, f) => s + f.fen, 0), payer: 'split' };
  return [...fees.filter((f) => f.name !== 'shipping'), folded];
}

// citation names a rule's source: the store manual (seed) and article, or
// the store's own setting.
function citation(r) {
  if (r.seed === 'store') return t('本店设置', 'a store setting');
  return t(`店规手册 ${r.seed || ''} ${r.article || ''}`, `store manual ${r.seed || ''}, ${r.article || ''}`);
}

// customerFees sums the fee lines the customer pays.
function customerFees(tk) { return (tk.fees || []).filter((f) => f.payer === 'customer').reduce((s, f) => s + f.fen, 0); }

// amountDue is what must be charged before pickup: the accepted quote of
// finished, unpaid work (seed 001 第三十、三十一条).
export function amountDue(tk) {
  if (!tk || tk.paid || !tk.quote || tk.quote.accepted !== true) return 0;
  if (tk.result !== 'repaired' && tk.result !== 'exchanged') return 0;
  return tk.quote.fen || 0;
}

// actions lists the actions of a ticket the role may take: [id, zh, en, class].
function actions(tk) {
  const a = [], st = tk.status, k = tk.kind;
  if (st === 'ready' && can('desk')) a.push(['pickup', '顾客取件', 'Pickup', 'primary']);
  if (st === 'in_repair' && can('tech')) {
    a.push(['diagnose', '诊断', 'Diagnose'], ['conclude', '维修结论', 'Conclude']);
    if (k === 'repair') a.push(['vendor_send', '送厂', 'Send to maker']);
  }
  if ((st === 'in_repair' || st === 'open') && can('staff') && customerFees(tk) > 0 && (!tk.quote || tk.quote.fen !== customerFees(tk))) a.push(['quote', '告知报价', 'Tell the quote']);
  if (tk.quote && tk.quote.accepted === undefined && can('staff') && st !== 'closed' && st !== 'cancelled') a.push(['accept', '顾客同意报价', 'Quote accepted'], ['decline', '顾客拒绝报价', 'Quote declined']);
  if (st === 'at_vendor' && can('staff')) a.push(['vendor_back', '厂家返回', 'Back from maker']);
  if (st === 'approval' && can('approvers')) {
    a.push(tk.result === 'unrepairable' ? ['settle', '善后处理', 'Settle', 'primary'] : ['approve', '批准', 'Approve', 'primary']);
    a.push(['reject', '驳回', 'Reject', 'danger']);
  }
  if ((k === 'repair' || k === 'onsite') && ['open', 'in_repair', 'at_vendor'].includes(st) && can('desk')) a.push(['assign', '派工', 'Assign']);
  if (k === 'out_of_stock' && st === 'open' && can('desk')) a.push(['stock_confirm', '顾客确认调货', 'Customer confirmed'], ['stock_arrived', '已到货', 'Stock arrived']);
  if (can('staff')) a.push(['print', '打印单据', 'Print a slip', 'secondary']);
  return a;
}

// actionKeys are the actions' keyboard shortcuts (with Alt), by the
// English verb: one key per action, the same on every ticket.
const actionKeys = { pickup: 'P', diagnose: 'D', conclude: 'C', vendor_send: 'S', quote: 'Q', accept: 'Y', decline: 'N',
  vendor_back: 'B', approve: 'A', settle: 'A', reject: 'R', assign: 'G', stock_confirm: 'F', stock_arrived: 'K', print: 'L' };

// covered are the moves an action above makes, kept off the plain moves.
const covered = { 'ready>closed': 1, 'approval>open': 1, 'approval>cancelled': 1, 'approval>ready': 1, 'approval>closed': 1,
  'in_repair>at_vendor': 1, 'at_vendor>in_repair': 1, 'in_repair>ready': 1, 'in_repair>approval': 1, 'open>in_repair': 1 };

// openTicket shows one ticket with its history and what the role may do.
// opts.msg is shown at the top (the last action's result); opts.onPickup
// replaces the pickup flow (the kiosk's); opts.refresh draws it again
// after another desk changed a ticket, keeping what was typed into the
// dialog (redrawKeeping), where an open or an action's redraw starts fresh.
export async function openTicket(conn, number, opts = {}) {
  let d;
  try { d = await conn.call('ticket.get', { number }); } catch (e) { modal(`<p class="error" id="ticketerr">${errText(e)}</p><button class="btn" data-close>${t('关闭', 'Close')}</button>`); wireClose(); return; }
  const tk = d.ticket;
  const hist = (tk.history || []).map((h) => `<li>${time(h.time)} ${h.from ? name(statusNames, h.from) + ' → ' : ''}${name(statusNames, h.to)} · ${(d.names || {})[h.operator] ? esc(d.names[h.operator]) : `<span class="mono">${esc(h.operator)}</span>`} <span class="typed">${esc(h.reason || '')}</span></li>`).join('');
  const moves = (d.next || []).filter((s) => !covered[tk.status + '>' + s])
    .map((s) => `<button class="btn" data-move="${esc(s)}">→ ${name(statusNames, s)}</button>`).join(' ');
  const acts = actions(tk).map(([id, zh, en, cls]) => `<button class="btn ${cls || ''}" data-act="${id}"${actionKeys[id] ? ` data-key="${esc(actionKeys[id])}"` : ''}>${t(zh, en)}${actionKeys[id] ? ' ' + key(actionKeys[id]) : ''}</button>`).join(' ');
  const fees = (tk.fees || []).map((f) => `<li>${name(feeNames, f.name)} ${yuan(f.fen)} <span class="sub">${name(payerNames, f.payer)}</span></li>`).join('');
  const parts = (tk.parts || []).map((p) => `<li>${esc(p.name)} × ${esc(p.qty)} ${yuan(p.price_fen)}</li>`).join('');
  const q = tk.quote;
  const box = modal(`<div class="ticketdetail" id="ticketdetail" data-number="${esc(tk.number)}" data-shown="${Date.now()}"><div class="dhead"><h2 class="mono">${esc(tk.number)} <span class="pill st-${esc(tk.status)}" id="tkstatus">${name(statusNames, tk.status)}</span></h2>
    <div class="actions"><button class="btn secondary" data-close>${t('关闭', 'Close')} <kbd class="mono key">Esc</kbd></button></div></div>
    <div id="tkmsg" data-keep>${opts.msg || ''}</div>
    <div class="cols"><dl class="kv"><dt>${t('类型', 'Kind')}</dt><dd>${name(kindNames, tk.kind)}</dd>
    <dt>${t('顾客', 'Customer')}</dt><dd>${d.customer ? `${typed(d.customer.name)} <span class="mono">${esc((d.customer.phones || []).join(', '))}</span>` : '—'}</dd>
    <dt>${t('商品', 'Product')}</dt><dd>${typed(d.purchase ? d.purchase.name : '')}</dd>
    <dt>${t('故障描述', 'Fault')}</dt><dd>${typed(tk.fault)}</dd>
    <dt>${t('问题类型', 'Problem type')}</dt><dd>${tk.problem ? name(problemNames, tk.problem) : '—'}</dd>
    <dt>${t('顾客要求', 'Request')}</dt><dd id="tkrequest">${tk.request ? name(outcomeNames, tk.request) : '—'}</dd>
    ${tk.complaint_reason ? `<dt>${t('投诉原因', 'Complaint reason')}</dt><dd id="tkreason">${d.complaint_reason ? esc(d.complaint_reason) : `<span class="mono">${esc(tk.complaint_reason)}</span>`}</dd>` : ''}
    <dt>${t('维修员', 'Technician')}</dt><dd>${orDash((d.names || {})[tk.technician] || tk.technician)}</dd><dt>${t('期限', 'Due')}</dt><dd>${time(tk.due) || '—'}</dd>
    ${tk.approval_reason ? `<dt>${t('审批原因', 'Approval')}</dt><dd>${said(tk.approval_reason)}</dd>` : ''}
    ${tk.vendor ? `<dt>${t('送修厂家', 'Maker')}</dt><dd>${typed(tk.vendor)}</dd>` : ''}
    <dt>${t('结论', 'Conclusion')}</dt><dd>${tk.result || tk.conclusion ? (tk.result ? name(resultNames, tk.result) + ' ' : '') + (tk.conclusion ? typed(tk.conclusion) : '') : '—'}</dd></dl>
    <div>${parts ? `<h3>${t('更换配件', 'Parts')}</h3><ul class="fees">${parts}</ul>` : ''}
    ${fees ? `<h3>${t('费用', 'Fees')}</h3><ul class="fees" id="tkfees">${fees}</ul>` : ''}
    ${q ? `<p id="tkquote">${t('报价', 'Quote')} ${yuan(q.fen)} · ${q.accepted === true ? t('顾客已同意', 'accepted') : q.accepted === false ? t('顾客拒绝', 'declined') : t('待顾客答复', 'awaiting the answer')}</p>` : ''}
    ${tk.paid ? `<p>${t('已收费', 'Paid')} ${yuan(tk.paid_fen)} (${esc(tk.payment)})</p>` : ''}
    ${tk.settlement ? `<p>${t('善后', 'Settlement')}: ${name(outcomeNames, tk.settlement.outcome)} ${tk.settlement.note ? typed(tk.settlement.note) : ''}</p>` : ''}
    ${tk.survey ? `<p id="tksurvey">${t('满意度', 'Survey')}: ${surveyItems.map(([k]) => esc(tk.survey[k])).join(' / ')}</p>` : ''}</div></div>
    ${decisionOf(tk) ? `<details><summary>${t('处理决定', 'Policy decision')}</summary>${decisionHTML(decisionOf(tk))}</details>` : ''}
    <div class="actions" id="tkactions">${acts}${!acts && !moves && !['closed', 'cancelled'].includes(tk.status) ? `<p class="hint" id="nonext">${t('此状态下您的岗位没有可办的下一步，请交主管或受理员处理', 'Nothing for your role to do at this status: hand it to a supervisor or the desk')}</p>` : ''}</div>
    ${moves ? `<div class="actions">${moves}<input id="reason" placeholder="原因 / reason"></div>` : ''}
    <div id="actionform"></div><p class="error" id="moveerr"></p>
    <h3>${t('历史', 'History')}</h3><ul class="history">${hist}</ul></div>`, 'ticket:' + tk.number, !opts.refresh);
  wireClose();
  printerState(conn, box);
  const err = (e) => { box.querySelector('#moveerr').innerHTML = errText(e); };
  const done = (r, zh, en) => {
    openTicket(conn, number, { ...opts, refresh: false, msg: `<p class="ok" id="actionok">${t(zh, en)}</p>${jobNote(r)}` });
  };
  // run calls op from a button with a progress indicator, then refreshes.
  const run = (btn, op, args, zh, en) => busy(btn, async () => {
    try { const r = await conn.call(op, { number, ...args }); done(r, zh, en); } catch (e) { err(e); }
  });
  box.querySelectorAll('[data-move]').forEach((b) => b.onclick = () =>
    run(b, 'ticket.move', { to: b.dataset.move, reason: (box.querySelector('#reason') || {}).value || '' }, '已更新', 'Updated'));
  box.querySelectorAll('[data-act]').forEach((b) => b.onclick = () => act(conn, box, tk, d, b, run, opts));
  // The ticket's forms on screen, drawn from their definitions (forms.js).
  import('./forms.js').then((m) => m.ticketForms(conn, box, number, () => openTicket(conn, number, opts)));
}

// act starts one action: at once, or through a small form in #actionform.
function act(conn, box, tk, d, btn, run, opts) {
  const number = tk.number, form = box.querySelector('#actionform');
  const submit = (html, collect, op, zh, en) => {
    form.innerHTML = `<form class="actionform" id="af">${html}<div class="actions"><button class="btn primary" id="afsubmit">${t('确认', 'Confirm')}</button></div></form>`;
    const f = form.querySelector('#af');
    f.onsubmit = (e) => { e.preventDefault(); run(f.querySelector('#afsubmit'), op, collect(f), zh, en); };
    const first = f.querySelector('input,textarea,select'); if (first) first.focus();
  };
  const note = (label) => `<label>${label} <textarea name="note" rows="2"></textarea></label>`;
  switch (btn.dataset.act) {
    case 'pickup': (opts.onPickup || pickupFlow)(conn, number); return;
    case 'quote': run(btn, 'ticket.quote', {}, '已告知报价', 'Quote told'); return;
    case 'accept': run(btn, 'ticket.answer_quote', { accepted: true }, '顾客已同意报价', 'Quote accepted'); return;
    case 'decline': run(btn, 'ticket.answer_quote', { accepted: false }, '顾客拒绝报价，未维修退回', 'Quote declined: returned unrepaired'); return;
    case 'diagnose': diagnoseForm(conn, form, tk, d, run); return;
    case 'conclude':
      submit(`<div class="choices">${['repaired', 'exchanged', 'unrepairable'].map((r, i) => `<label class="opt"><input type="radio" name="result" value="${r}" ${i ? '' : 'checked'}> ${name(resultNames, r)}</label>`).join('')}</div>
        <label>${t('维修结论', 'Conclusion')} <textarea name="conclusion" rows="2" required></textarea></label>`,
      (f) => ({ result: f.result.value, conclusion: f.conclusion.value.trim() }), 'ticket.conclude', '已填写维修结论', 'Concluded'); return;
    case 'vendor_send':
      submit(`<label>${t('送修厂家', 'Maker or vendor')} <input name="vendor" required></label>${note(t('备注', 'Note'))}`,
        (f) => ({ vendor: f.vendor.value.trim(), note: f.note.value.trim() }), 'ticket.vendor_send', '已送厂', 'Sent to the maker'); return;
    case 'vendor_back':
      submit(note(t('返回说明', 'Note')), (f) => ({ note: f.note.value.trim() }), 'ticket.vendor_back', '已从厂家返回', 'Back from the maker'); return;
    case 'approve': case 'reject': {
      const op = 'ticket.' + btn.dataset.act;
      submit(`<label>${t('原因', 'Reason')} <input name="reason" ${op === 'ticket.reject' ? 'required' : ''}></label>`,
        (f) => ({ reason: f.reason.value.trim() }), op, op === 'ticket.reject' ? '已驳回' : '已批准', op === 'ticket.reject' ? 'Rejected' : 'Approved'); return;
    }
    case 'settle': {
      const kinds = (decisionOf(tk) || {}).outcomes || [];
      const opts2 = ['return', 'exchange'].filter((k) => kinds.some((o) => o.kind === k)).concat(['other']);
      submit(`<div class="choices">${opts2.map((o, i) => `<label class="opt"><input type="radio" name="outcome" value="${o}" ${i ? '' : 'checked'}> ${name(outcomeNames, o)}</label>`).join('')}</div>
        <label>${t('善后说明', 'Settlement')} <textarea name="note" rows="2" required></textarea></label>`,
      (f) => ({ outcome: f.outcome.value, note: f.note.value.trim() }), 'ticket.settle', '已善后处理', 'Settled'); return;
    }
    case 'assign':
      // Only a technician of staff.toml may be assigned (technicians.list).
      conn.call('technicians.list').then((techs) => submit(`<label>${t('维修员', 'Technician')} <select name="technician" required>
        ${techs.map((m) => `<option value="${esc(m.id)}" ${m.id === tk.technician ? 'selected' : ''}>${esc(m.name)} (${esc(m.id)})</option>`).join('')}</select></label>`,
      (f) => ({ technician: f.technician.value }), 'ticket.assign', '已派工', 'Assigned'),
      (e) => { form.innerHTML = `<p class="error">${errText(e)}</p>`; }); return;
    case 'stock_confirm': case 'stock_arrived':
      submit(note(t('备注', 'Note')), (f) => ({ note: f.note.value.trim() }), 'ticket.' + btn.dataset.act, '已记录', 'Recorded'); return;
    case 'print': {
      // ticket.print takes "intake" (the kind's own intake form) or any form with a ticket number.
      const forms = [['intake', '受理单', 'Intake slip'], ['tracking', '跟踪卡', 'Tracking card'], ['repair', '维修服务卡', 'Repair card'],
        ['return', '退换货登记表', 'Return registration'], ['delivery', '送货单', 'Delivery slip'], ['storage', '暂存卡', 'Storage card'],
        ['out_of_stock', '缺货登记', 'Out-of-stock'], ['service_record', '服务凭证', 'Service record'], ['survey', '满意度调查卡', 'Survey card']];
      const key = newKey(); // this dialog's print: a retry after a lost reply queues no second slip
      submit(`<label>${t('单据', 'Form')} <select name="form">${forms.map(([f, zh, en]) => `<option value="${f}">${zh} ${en}</option>`).join('')}</select></label>`,
        (f) => ({ form: f.form.value, key }), 'ticket.print', '已加入打印队列', 'Queued for printing'); return;
    }
  }
}

// diagnoseForm picks parts and labour from the fee tables (fees.list).
async function diagnoseForm(conn, form, tk, d, run) {
  form.innerHTML = loading();
  let fees;
  try { fees = await conn.call('fees.list'); } catch (e) { form.innerHTML = `<p class="error">${errText(e)}</p>`; return; }
  const cat = d.purchase && d.purchase.category;
  const fits = (x) => !cat || !(x.category || (x.categories && x.categories.length)) || x.category === cat || (x.categories || []).includes(cat);
  const parts = (fees.parts || []).filter(fits), labour = (fees.labour || []).filter(fits);
  const had = Object.fromEntries((tk.parts || []).map((p) => [p.code, p.qty]));
  const pid = (p) => p.id || p.code;
  form.innerHTML = `<form class="actionform" id="af"><h3>${t('配件', 'Parts')}</h3><table class="board" id="partsel"><tbody>
    ${parts.map((p) => `<tr><td>${esc(p.name)} <span class="sub mono">${esc(pid(p))}</span></td><td>${yuan(p.price_fen)}</td>
      <td><input type="number" min="0" max="1000" value="${esc(had[pid(p)] || 0)}" data-part="${esc(pid(p))}" class="qty"></td></tr>`).join('')}</tbody></table>
    <h3>${t('工时', 'Labour')}</h3><div class="choices" id="laboursel">${labour.map((l) => `<label class="opt"><input type="checkbox" data-labour="${esc(l.id)}"> ${esc(l.name)} ${yuan(l.price_fen ?? l.fee_fen)}</label>`).join('')}</div>
    <label>${t('检测结果', 'Finding')} <textarea name="note" rows="2"></textarea></label>
    <div class="actions"><button class="btn primary" id="afsubmit">${t('保存诊断', 'Save the diagnosis')}</button></div></form>`;
  const f = form.querySelector('#af');
  f.onsubmit = (e) => {
    e.preventDefault();
    const ps = [...f.querySelectorAll('[data-part]')].filter((i) => Number(i.value) > 0).map((i) => ({ id: i.dataset.part, code: i.dataset.part, qty: Number(i.value) }));
    const ls = [...f.querySelectorAll('[data-labour]:checked')].map((i) => i.dataset.labour);
    run(f.querySelector('#afsubmit'), 'ticket.diagnose', { parts: ps, labour: ls, note: f.note.value.trim() }, '已保存诊断', 'Diagnosis saved');
  };
}

// pickupFlow hands a ready item over: the fee charged first if one is due
// (cash or the customer's card), then ticket.pickup, then the survey.
export async function pickupFlow(conn, number) {
  let d;
  try { d = await conn.call('ticket.get', { number }); } catch (e) { modal(`<p class="error">${errText(e)}</p><button class="btn" data-close>${t('关闭', 'Close')}</button>`); wireClose(); return; }
  const tk = d.ticket, due = amountDue(tk);
  const box = modal(`<div class="pickup" id="pickupbox"><h2>${t('顾客取件', 'Pickup')} <span class="mono">${esc(number)}</span></h2>
    <dl class="kv"><dt>${t('商品', 'Product')}</dt><dd>${esc(d.purchase ? d.purchase.name : '')}</dd>
    <dt>${t('结论', 'Conclusion')}</dt><dd>${tk.result ? name(resultNames, tk.result) + ' ' : ''}${esc(tk.conclusion || '')}</dd></dl>
    ${due > 0 ? `<div class="due">${t('应收费用', 'Fee due')} <b id="due">${yuan(due)}</b></div>
      <div class="actions big"><button class="btn primary" id="paycash">${t('现金收费并取件', 'Cash, then pickup')}</button>
      ${tk.card ? `<button class="btn primary" id="paycard">${t('储值卡扣款并取件', 'Card, then pickup')} <span class="mono">${esc(tk.card)}</span></button>` : ''}`
    : `<p class="ok">${t('无应收费用', 'Nothing to pay')}</p><div class="actions big"><button class="btn primary" id="dopickup">${t('确认取件', 'Confirm pickup')}</button>`}
    <button class="btn secondary" data-close>${t('取消', 'Cancel')}</button></div><p class="error" id="pickuperr"></p></div>`);
  wireClose();
  // One key per dialog for each step: a retry after a lost reply (or a
  // server restart) gets the first charge and pickup, never a second.
  const keys = { charge: newKey(), pickup: newKey() };
  const go = (btn, method) => busy(btn, async () => {
    try {
      if (method) {
        // A retry after the charge went through must not charge again.
        const fresh = await conn.call('ticket.get', { number });
        if (amountDue(fresh.ticket) > 0) await conn.call('ticket.charge', { number, method, card: method === 'card' ? tk.card : '', key: keys.charge });
      }
      surveyStep(conn, number, await conn.call('ticket.pickup', { number, key: keys.pickup }));
    } catch (e) { box.querySelector('#pickuperr').innerHTML = errText(e); }
  });
  for (const [id, m] of [['paycash', 'cash'], ['paycard', 'card'], ['dopickup', '']]) {
    const b = box.querySelector('#' + id);
    if (b) b.onclick = () => go(b, m);
  }
}

// surveyStep offers the customer the satisfaction survey after a pickup
// (seed 001 第三十二条): four items, four levels each.
export function surveyStep(conn, number, r) {
  const rows = surveyItems.map(([k, zh, en]) => `<div class="srow"><span>${t(zh, en)}</span>${[4, 3, 2, 1].map((n) =>
    `<button type="button" class="btn level" data-item="${k}" data-level="${n}">${t(surveyLevels[n][0], surveyLevels[n][1])}</button>`).join('')}</div>`).join('');
  const box = modal(`<div class="surveybox" id="surveybox"><h2>${t('已取件', 'Picked up')} <span class="mono">${esc(number)}</span></h2>
    ${jobNote(r, '取件单正在打印', 'Pickup slip printing')}
    <h3>${t('请您对本次服务评价', 'Please rate our service')}</h3>${rows}
    <div class="actions big"><button class="btn primary" id="surveysubmit" disabled>${t('提交评价', 'Submit')}</button>
    <button class="btn secondary" id="surveyskip">${t('跳过', 'Skip')}</button></div><p class="error" id="surveyerr"></p></div>`);
  printerState(conn, box);
  const chosen = {};
  box.querySelectorAll('[data-level]').forEach((b) => b.onclick = () => {
    chosen[b.dataset.item] = Number(b.dataset.level);
    box.querySelectorAll(`[data-item="${b.dataset.item}"]`).forEach((x) => x.classList.toggle('chosen', x === b));
    box.querySelector('#surveysubmit').disabled = surveyItems.some(([k]) => !chosen[k]);
  });
  box.querySelector('#surveyskip').onclick = () => modal(null);
  const submit = box.querySelector('#surveysubmit');
  submit.onclick = () => busy(submit, async () => {
    try {
      await conn.call('ticket.survey', { number, ...chosen });
      modal(`<div class="thanks" id="surveythanks"><h2>${t('谢谢您的评价！', 'Thank you for your feedback!')}</h2><button class="btn primary" data-close>${t('完成', 'Done')}</button></div>`);
      wireClose();
    } catch (e) { box.querySelector('#surveyerr').innerHTML = errText(e); }
  });
}

// renderCalls shows the day's call list in el; each call is closed with
// its outcome (reached, no answer, message left).
export async function renderCalls(conn, el) {
  el.innerHTML = loading();
  let list;
  try { list = await conn.call('calls.list'); } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; return; }
  if (!list || !list.length) { el.innerHTML = `<p class="empty" id="nocalls">${t('今天没有要打的电话', 'No calls due today')}</p>`; return; }
  el.innerHTML = `<table class="board calls" id="calls"><thead><tr><th>${t('单号', 'Ticket')}</th><th>${t('事由', 'Call')}</th><th>${t('顾客', 'Customer')}</th>
    <th>${t('电话', 'Phone')}</th><th>${t('已打', 'Tries')}</th><th></th></tr></thead><tbody>
    ${list.map((c) => `<tr data-call="${esc(c.number)}"><td class="mono"><a href="#" data-ticket="${esc(c.number)}">${esc(c.number)}</a><div class="sub">${esc(c.product || c.fault || '')}</div></td>
      <td>${name(callNames, c.call)}<div class="sub">${date(c.due)}</div></td><td>${esc(c.customer)}</td><td class="mono">${esc(c.phone)}</td><td>${esc(c.attempts)}</td>
      <td class="callbtns">${[['reached', '已接通', 'Reached'], ['no_answer', '无人接听', 'No answer'], ['message_left', '已留言', 'Message left']].map(([o, zh, en]) =>
        `<button class="btn small" data-outcome="${o}" data-number="${esc(c.number)}" data-kind="${esc(c.call)}">${t(zh, en)}</button>`).join(' ')}
        <span class="error"></span></td></tr>`).join('')}</tbody></table>`;
  el.querySelectorAll('[data-ticket]').forEach((a) => a.onclick = (e) => { e.preventDefault(); openTicket(conn, a.dataset.ticket); });
  el.querySelectorAll('[data-outcome]').forEach((b) => b.onclick = () => busy(b, async () => {
    try { await conn.call('call.close', { number: b.dataset.number, kind: b.dataset.kind, outcome: b.dataset.outcome }); renderCalls(conn, el); } catch (e) { b.parentElement.querySelector('.error').innerHTML = errText(e); }
  }));
}
