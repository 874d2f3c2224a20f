// The kiosk's intake flow (受理, seed 001 第十七–二十条), one big-button step
// at a time so each fits a 1280×800 screen: the kind, the purchase (or one
// registered from the receipt), condition, problem and request, the policy
// decision (ticket.preview), then ticket.intake with one idempotency key
// per form, so a double tap or a retry makes one ticket.
import { t, esc, yuan, errText, busy, newKey, name, date, kindNames, problemNames, outcomeNames, feeNames, payerNames, jobNote, printerState, redrawKeeping } from './common.js';
import { decisionHTML, decisionOf } from './ticket.js';
import { receiptBox, wireReceipt, lockedHTML, wireCorrect } from './receipt.js';

// decided kinds get a policy decision and need a purchase (return,
// exchange, repair) or may have one (on-site).
const decided = ['return', 'exchange', 'repair', 'onsite'];
const needsPurchase = ['return', 'exchange', 'repair'];
const conditions = [['unused', '未使用', 'Unused'], ['packaging', '包装完好', 'Packaging'], ['accessories', '配件齐全', 'Accessories'],
  ['warranty_card', '保修卡', 'Warranty card'], ['tags', '吊牌', 'Tags'], ['receipt', '小票/发票', 'Receipt']];
const categories = [['electronics', '电子产品', 'Electronics'], ['home_goods', '家居用品', 'Home goods'], ['apparel', '服装纺织', 'Apparel'],
  ['leather', '皮具', 'Leather'], ['intimate', '内衣', 'Intimate apparel']];

// Intake is one intake form for the customer of a panel.
export class Intake {
  // conn is the kiosk's connection, el the element it draws in, panel the
  // customer panel, onExit(ticket|null) is called when the clerk leaves;
  // till is a purchase from the till receipt to take in (receipt.js).
  constructor(conn, el, panel, onExit, till = null) {
    Object.assign(this, { conn, el, panel, onExit, till });
    this.key = newKey();
    this.step = 'kind';
    this.a = { kind: '', condition: { unused: false, packaging: true, accessories: true, warranty_card: true, tags: true, receipt: true }, problem: 'quality', request: '', fault: '' };
    this.result = null;
    if (till) this.a.purchase_id = till.id;
  }

  // args are the intake's arguments: the customer by card or phone, the
  // purchase picked or registered, and what the clerk recorded.
  args() {
    const p = this.panel, a = this.a, out = { kind: a.kind, condition: { ...a.condition }, fault: a.fault.trim() };
    if (p.customer.new) out.customer = { name: p.customer.name, phone: p.customer.phones[0] };
    else if (p.card && p.card.status === 'active') out.card = p.card.number;
    else out.phone = (p.customer.phones || [])[0] || '';
    if (a.purchase_id) out.purchase_id = a.purchase_id;
    if (a.purchase) out.purchase = a.purchase;
    if (decided.includes(a.kind)) { out.problem = a.problem; if (a.request) out.request = a.request; if (a.mailed_in) out.mailed_in = true; }
    for (const k of ['zone', 'contract_end', 'insist', 'defect']) if (a[k]) out[k] = a[k];
    if (a.kind === 'complaint' && a.complaint_reason) out.complaint_reason = a.complaint_reason;
    return out;
  }

  render() {
    const step = { kind: this.kindStep, purchase: this.purchaseStep, receipt: this.receiptStep, details: this.detailsStep, decision: this.decisionStep, done: this.doneStep }[this.step];
    step.call(this);
    this.el.querySelectorAll('[data-back]').forEach((b) => b.onclick = () => { this.step = b.dataset.back; this.render(); });
    const cancel = this.el.querySelector('#intakecancel');
    if (cancel) cancel.onclick = () => this.onExit(null);
  }

  // frame draws a step: drawn again for the same step of this intake (the
  // purchases or the complaint reasons came), what the clerk typed stays.
  frame(title, body, buttons) {
    redrawKeeping(this.el, `<section class="intake" id="intake" data-step="${this.step}">
      <h1>${t('受理', 'Intake')} · ${esc(this.panel.customer.name)} ${this.a.kind ? '· ' + name(kindNames, this.a.kind) : ''} <span class="sub">${title}</span></h1>
      ${body}<p class="error" id="intakeerr"></p>
      <div class="actions big bottom">${buttons}<button class="btn secondary" id="intakecancel">${t('取消受理', 'Cancel')}</button></div></section>`, `intake:${this.key}:${this.step}`);
  }

  kindStep() {
    this.frame(t('选择服务类型', 'Choose the kind'), `<div class="bigchoice kinds">${Object.entries(kindNames).map(([k, v]) =>
      `<button class="btn ${this.a.kind === k ? 'chosen' : ''}" data-kind="${k}">${t(v[0], v[1])}</button>`).join('')}</div>`, '');
    this.el.querySelectorAll('[data-kind]').forEach((b) => b.onclick = () => {
      this.a.kind = b.dataset.kind;
      this.a.request = '';
      this.step = this.till ? 'details' : 'purchase';
      this.render();
    });
  }

  purchaseStep() {
    const ps = this.panel.purchases || [];
    const optional = !needsPurchase.includes(this.a.kind);
    const list = ps.map((p) => `<button class="btn purchase ${this.a.purchase_id === p.id ? 'chosen' : ''}" data-purchase="${esc(p.id)}">
      <b>${esc(p.name)}</b> <span class="sub">${date(p.purchased)} · ${yuan(p.price_fen)} · ${esc(p.serial || '')}</span>
      ${p.in_warranty ? `<span class="pill ok">${t('保内', 'In warranty')}</span>` : `<span class="pill off">${t('保外', 'Out of warranty')}</span>`}</button>`).join('');
    this.frame(t('选择购买记录', 'Choose the purchase'), `${receiptBox()}<div class="purchases">${list || `<p class="empty">${t('没有购买记录', 'No purchases on record')}</p>`}</div>`,
      `<button class="btn" data-back="kind">← ${t('上一步', 'Back')}</button>
       <button class="btn" id="newpurchase">${t('按小票登记', 'Register from the receipt')}</button>
       ${optional ? `<button class="btn" id="nopurchase">${t('不涉及商品', 'No product')}</button>` : ''}`);
    this.el.querySelectorAll('[data-purchase]').forEach((b) => b.onclick = () => {
      this.a.purchase_id = b.dataset.purchase; delete this.a.purchase; this.till = null; this.step = 'details'; this.render();
    });
    wireReceipt(this.conn, this.el, (p) => { this.till = p; this.a.purchase_id = p.id; delete this.a.purchase; this.step = 'details'; this.render(); });
    this.el.querySelector('#newpurchase').onclick = () => { this.till = null; this.step = 'receipt'; this.render(); };
    const none = this.el.querySelector('#nopurchase');
    if (none) none.onclick = () => { delete this.a.purchase_id; delete this.a.purchase; this.step = 'details'; this.render(); };
  }

  receiptStep() {
    const p = this.a.purchase || { channel: 'store', purchased: new Date().toISOString().slice(0, 10) };
    const f = (k, zh, en, attrs = '') => `<label>${t(zh, en)} <input name="${k}" value="${esc(p[k] ?? '')}" ${attrs}></label>`;
    this.frame(t('按小票登记购买记录', 'Register the purchase from the receipt'), `<form id="receipt" class="grid2">
      ${f('name', '商品名称规格', 'Product and spec', 'required')}${f('product_code', '商品编码', 'Product code')}
      <label>${t('类别', 'Category')} <select name="category">${categories.map(([k, zh, en]) => `<option value="${k}" ${p.category === k ? 'selected' : ''}>${zh} ${en}</option>`).join('')}</select></label>
      ${f('serial', '序列号', 'Serial number')}${f('purchased', '购买日期', 'Purchase date', 'type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" required')}
      <label>${t('实付金额（元）', 'Price paid (yuan)')} <input name="price" inputmode="decimal" required value="${p.price_fen ? (p.price_fen / 100).toFixed(2) : ''}"></label>
      ${f('receipt', '小票号', 'Receipt number')}${f('warranty_card', '保修卡号', 'Warranty card')}
      <label>${t('渠道', 'Channel')} <select name="channel"><option value="store">门店 Store</option><option value="online" ${p.channel === 'online' ? 'selected' : ''}>网店 Online</option></select></label>
      <div class="flags">${[['special', '特价', 'Special price'], ['gift', '赠品', 'Gift'], ['custom', '定制', 'Custom-made']].map(([k, zh, en]) =>
        `<label class="opt"><input type="checkbox" name="${k}" ${p[k] ? 'checked' : ''}> ${t(zh, en)}</label>`).join('')}</div></form>`,
    `<button class="btn" data-back="purchase">← ${t('上一步', 'Back')}</button><button class="btn primary" id="receiptnext">${t('下一步', 'Next')} →</button>`);
    this.el.querySelector('#receiptnext').onclick = () => {
      const form = this.el.querySelector('#receipt'), v = (k) => form[k].value.trim();
      const m = v('price').match(/^(\d+)(?:\.(\d{1,2}))?$/);
      if (!v('name') || !m || !v('purchased')) {
        this.el.querySelector('#intakeerr').innerHTML = t('请填写商品名称、购买日期和实付金额（如 399 或 12.50）', 'Fill in the product, the purchase date and the price paid (e.g. 399 or 12.50)');
        return;
      }
      this.a.purchase = { name: v('name'), product_code: v('product_code'), category: v('category'), serial: v('serial'), purchased: v('purchased'),
        price_fen: Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')), receipt: v('receipt'), warranty_card: v('warranty_card'), channel: v('channel'),
        special: form.special.checked, gift: form.gift.checked, custom: form.custom.checked };
      delete this.a.purchase_id;
      this.step = 'details';
      this.render();
    };
  }

  detailsStep() {
    const a = this.a, isDecided = decided.includes(a.kind);
    if (a.kind === 'complaint' && !this.reasons) { // the configured complaint reasons, once
      this.reasons = [];
      this.conn.call('complaint.reasons').then((rs) => { this.reasons = rs; if (this.step === 'details') this.render(); }, (e) => this.showError(e));
    }
    const toggle = (k, zh, en, on) => `<button type="button" class="btn toggle ${on ? 'chosen' : ''}" data-cond="${k}" aria-pressed="${on}">${on ? '☑' : '☐'} ${t(zh, en)}</button>`;
    const pick = (group, table, keys, cur) => keys.map((k) => `<button type="button" class="btn toggle ${cur === k ? 'chosen' : ''}" data-${group}="${k}">${name(table, k)}</button>`).join('');
    // What the clerk writes here fills the slip: a storage card's reason,
    // an out-of-stock order's product, a delivery's goods.
    const faultLabel = a.kind === 'complaint' ? t('投诉内容', 'The complaint')
      : a.kind === 'storage' ? t('暂存原因', 'Why it is stored')
      : a.kind === 'out_of_stock' ? t('缺货商品（名称、规格）', 'The product wanted (name, spec)')
      : a.kind === 'delivery' ? t('送货内容', 'What is delivered')
      : a.kind === 'consultation' ? t('咨询内容', 'The question')
      : ['return', 'exchange'].includes(a.kind) ? t('退换原因 / 故障描述（顾客陈述）', "Reason or fault (the customer's account)") : t('故障描述（顾客陈述）', "Fault (the customer's account)");
    this.frame(t('商品状况与顾客要求', 'Condition and request'), `${this.till ? lockedHTML(this.till) : ''}<div class="irow"><span class="ilabel">${t('商品状况', 'Condition')}</span><div class="toggles">
      ${conditions.map(([k, zh, en]) => toggle(k, zh, en, a.condition[k])).join('')}</div></div>
      ${isDecided ? `<div class="irow"><span class="ilabel">${t('问题', 'Problem')}</span><div class="toggles">${pick('problem', problemNames, Object.keys(problemNames), a.problem)}</div></div>
      <div class="irow"><span class="ilabel">${t('顾客要求', 'Request')}</span><div class="toggles">${pick('request', outcomeNames, ['return', 'exchange', 'repair'], a.request || defaultRequest(a.kind))}</div></div>
      <div class="irow"><span class="ilabel">${t('送达方式', 'Came in')}</span><div class="toggles"><button type="button" class="btn toggle ${a.mailed_in ? 'chosen' : ''}" data-mailed aria-pressed="${!!a.mailed_in}">${a.mailed_in ? '☑' : '☐'} ${t('邮寄送达（计运费）', 'By post (shipping is charged)')}</button></div></div>` : ''}
      ${a.kind === 'complaint' ? `<div class="irow"><span class="ilabel">${t('投诉原因', 'Reason')}</span><div class="toggles" id="reasons">
        ${this.reasons.map((r) => `<button type="button" class="btn toggle ${a.complaint_reason === r.id ? 'chosen' : ''}" data-reason="${esc(r.id)}">${esc(r.name)} <span class="sub">${esc(r.id)}</span></button>`).join('')}</div></div>` : ''}
      ${a.kind === 'onsite' ? `<div class="irow"><span class="ilabel">${t('上门区域', 'Zone')}</span><input id="zone" value="${esc(a.zone || 'zone1')}"></div>` : ''}
      ${a.kind === 'maintenance' ? `<div class="irow"><span class="ilabel">${t('合同到期日', 'Contract ends')}</span><input id="contract_end" type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" value="${esc(a.contract_end || '')}"></div>` : ''}
      <label class="fault">${faultLabel}<textarea id="fault" rows="2">${esc(a.fault)}</textarea></label>`,
    `<button class="btn" data-back="${this.a.purchase ? 'receipt' : 'purchase'}">← ${t('上一步', 'Back')}</button>
     <button class="btn primary" id="preview">${t('查看处理决定', 'See the decision')} →</button>`);
    const keep = () => {
      a.fault = this.el.querySelector('#fault').value;
      for (const k of ['zone', 'contract_end']) { const i = this.el.querySelector('#' + k); if (i) a[k] = i.value.trim(); }
    };
    if (this.till) wireCorrect(this.conn, this.el, this.till, (p) => { keep(); this.till = p; this.render(); }, (e) => this.showError(e));
    this.el.querySelectorAll('[data-cond]').forEach((b) => b.onclick = () => { keep(); a.condition[b.dataset.cond] = !a.condition[b.dataset.cond]; this.render(); });
    this.el.querySelectorAll('[data-mailed]').forEach((b) => b.onclick = () => { keep(); a.mailed_in = !a.mailed_in; this.render(); });
    this.el.querySelectorAll('[data-problem]').forEach((b) => b.onclick = () => { keep(); a.problem = b.dataset.problem; this.render(); });
    this.el.querySelectorAll('[data-request]').forEach((b) => b.onclick = () => { keep(); a.request = b.dataset.request; this.render(); });
    this.el.querySelectorAll('[data-reason]').forEach((b) => b.onclick = () => { keep(); a.complaint_reason = b.dataset.reason; this.render(); });
    const btn = this.el.querySelector('#preview');
    btn.onclick = () => busy(btn, async () => {
      keep();
      // The return form's reason and the repair card's fault come from here.
      if (['return', 'exchange', 'repair', 'onsite', 'complaint'].includes(a.kind) && !a.fault.trim()) {
        this.el.querySelector('#intakeerr').innerHTML = t('请填写故障描述或退换原因', 'Write down the fault or the reason');
        this.el.querySelector('#fault').focus();
        return;
      }
      if (a.kind === 'complaint' && !a.complaint_reason) {
        this.el.querySelector('#intakeerr').innerHTML = t('请选择投诉原因', "Pick the complaint's reason");
        return;
      }
      try { this.preview = await this.conn.call('ticket.preview', this.args()); this.step = 'decision'; this.render(); } catch (e) { this.showError(e); }
    });
  }

  decisionStep() {
    // ticket.preview returns {ticket, needs_approval}: the ticket the
    // intake would record, with its decision, fees and approval reason.
    const r = this.preview || {}, tk = r.ticket || {};
    const d = decisionOf(tk);
    const fees = tk.fees || [];
    const body = `${d ? decisionHTML(d) : `<p class="hint" id="decision">${t('此类服务单不做政策判定', 'This kind of ticket takes no policy decision')}</p>`}
      ${fees.length ? `<ul class="fees" id="previewfees">${fees.map((f) => `<li>${name(feeNames, f.name)} ${yuan(f.fen)} <span class="sub">${name(payerNames, f.payer)}</span></li>`).join('')}</ul>` : ''}
      ${r.needs_approval ? `<div class="alert" id="needsapproval">${t('受理后转主管审批', 'The ticket will wait for a supervisor')}: ${esc(tk.approval_reason || '')}</div>` : ''}
      ${date(tk.due) ? `<p class="sub">${t('处理期限', 'Due')} ${date(tk.due)}</p>` : ''}
      <div class="irow"><span class="ilabel">${t('顾客坚持', 'Customer insists')}</span><input id="insist" value="${esc(this.a.insist || '')}" placeholder="${esc('（可选）升级主管的原因 / optional: why escalate')}"></div>`;
    this.frame(t('处理决定', 'The decision'), body,
      `<button class="btn" data-back="details">← ${t('上一步', 'Back')}</button><button class="btn primary" id="confirm">${t('确认受理', 'Confirm')}</button>`);
    const btn = this.el.querySelector('#confirm');
    btn.onclick = () => busy(btn, async () => {
      this.a.insist = this.el.querySelector('#insist').value.trim();
      try { this.result = await this.conn.call('ticket.intake', { ...this.args(), key: this.key }); this.step = 'done'; this.render(); } catch (e) { this.showError(e); }
    });
  }

  doneStep() {
    const r = this.result || {}, tk = r.ticket || r;
    this.frame(t('已受理', 'Taken in'), `<div class="done">
      <div class="sub">${t('服务单号', 'Ticket number')}</div><div class="ticketno mono" id="ticketno">${esc(tk.number)}</div>
      ${tk.status === 'approval' ? `<div class="warn" id="needsapproval">${t('待主管审批', 'Waiting for a supervisor')}: ${esc(tk.approval_reason || '')}</div>` : ''}
      ${jobNote(r, '受理单正在打印', 'Intake slip printing') || (r.replayed ? `<div class="printnote" id="printnote">${t('此单已受理（重复提交未再打印）', 'Taken in already (a repeated tap printed nothing more)')}</div>` : '') || `<div class="printnote warn" id="printnote">${t('此服务台没有打印机，未打印单据', 'No printer at this desk: no slip printed')}</div>`}</div>`,
    `<button class="btn primary" id="intakedone">${t('完成', 'Done')}</button>`);
    this.el.querySelector('#intakecancel').remove();
    printerState(this.conn, this.el);
    this.el.querySelector('#intakedone').onclick = () => this.onExit(tk);
  }

  showError(e) {
    const el = this.el.querySelector('#intakeerr');
    if (el) el.innerHTML = errText(e) + (e && e.field ? ` <span class="sub mono">(${esc(e.field)})</span>` : '');
  }
}

function defaultRequest(kind) { return { return: 'return', exchange: 'exchange' }[kind] || 'repair'; }
