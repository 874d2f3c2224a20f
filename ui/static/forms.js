// The store's forms on screen (issue 5): one generic dialog draws any form
// from its definition (form.get: sections and fields with their kind,
// labels, required marks and rules), pre-filled from the ticket, and
// prints what the clerk edited (form.print). The server validates every
// value; the hints here only help while typing.
import { t, esc, errText, modal, busy, can, newKey, jobNote, printerState, loading, key } from './common.js';

// kindHints say what a kind of field wants, for the hint under it.
const kindHints = {
  phone: ['手机、带区号的座机或400电话', 'a mobile, a landline with its area code, or a 400 number'],
  money: ['元，最多两位小数', 'yuan, at most two decimals'],
  list: ['每行一项，左右两栏用 | 分开', 'one item a line, two columns split by |'],
};
const moneyRe = /^-?[¥￥]?\d{1,15}(\.\d{1,2})?$/;
const phoneRe = /^((\+?86)?1[3-9]\d{9}|0[1-9]\d{1,2}[1-9]\d{6,7}|[48]00\d{7})$/;

// rangeHint says a number's or an amount's bounds (money bounds are fen).
function rangeHint(f) {
  if (f.min == null || f.max == null) return '';
  // The money fields' upper bound is a sanity cap (ten billion yuan): only
  // a lower bound of 0 says anything to the clerk.
  if (f.kind === 'money') return f.min === 0 ? t('不能为负', 'not negative') : '';
  return t(`${f.min}至${f.max}`, `${f.min} to ${f.max}`);
}

// input draws the control of one field with its value; a locked field is
// shown as the record has it and cannot be changed.
function input(f, v, locked) {
  const common = `name="${esc(f.id)}" data-field="${esc(f.id)}" data-kind="${esc(f.kind)}" ${locked ? 'readonly aria-readonly="true"' : ''}
    ${f.required ? 'aria-required="true"' : ''}`;
  const max = f.max_len ? `maxlength="${esc(f.max_len)}"` : '';
  switch (f.kind) {
    case 'multiline': case 'list':
      return `<textarea ${common} ${max} rows="${f.kind === 'list' ? 4 : 3}">${esc(v)}</textarea>`;
    case 'number':
      return `<input type="number" step="1" ${f.min != null ? `min="${esc(f.min)}"` : ''} ${f.max != null ? `max="${esc(f.max)}"` : ''} ${common} value="${esc(v)}">`;
    case 'money':
      return `<span class="money">¥<input type="text" inputmode="decimal" ${common} value="${esc(String(v || '').replace(/^(-?)[¥￥]/, '$1'))}"></span>`;
    case 'date':
      return `<input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" ${common} value="${esc(v)}">`;
    case 'datetime':
      return `<input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}" placeholder="YYYY-MM-DD HH:MM" maxlength="16" class="dateinput" ${common} value="${esc(String(v || '').replace('T', ' ').slice(0, 16))}">`;
    case 'phone':
      return `<input type="tel" inputmode="tel" ${common} ${max} value="${esc(v)}">`;
    case 'bool':
      return `<input type="checkbox" ${common} ${v === 'true' ? 'checked' : ''} ${locked ? 'disabled' : ''}>`;
    case 'select': {
      const opts = (f.options || []).map((o) => `<option value="${esc(o.value)}" ${o.value === v ? 'selected' : ''}>${esc(o.label.zh)} ${esc(o.label.en)}</option>`).join('');
      return `<select ${common} ${locked ? 'disabled' : ''}><option value="" ${v ? '' : 'selected'}>—</option>${opts}</select>`;
    }
    default:
      return `<input type="text" ${common} ${max} value="${esc(v)}">`;
  }
}

// fieldHTML draws one field: its label (Chinese, English), required mark,
// control, hint and the place for the server's error.
function fieldHTML(f, v, locked) {
  const wide = f.kind === 'multiline' || f.kind === 'list';
  const hint = [f.pattern_hint && f.pattern_hint.zh ? t(f.pattern_hint.zh, f.pattern_hint.en) : '',
    kindHints[f.kind] ? t(...kindHints[f.kind]) : '', rangeHint(f),
    wide && f.max_len ? t(`最多${f.max_len}字`, `at most ${f.max_len} characters`) : '',
    locked ? t('以记录为准', 'as on record') : ''].filter(Boolean).join(' · ');
  return `<label class="ffield ${wide ? 'wide' : ''} ${locked ? 'locked' : ''}" data-for="${esc(f.id)}">
    <span class="flabel">${t(f.label.zh, f.label.en)}${f.required ? ' <b class="reqmark" title="必填 / required">*</b>' : ''}</span>
    ${input(f, v, locked)}${hint ? `<span class="fhint sub">${hint}</span>` : ''}<span class="ferr error" data-ferr="${esc(f.id)}"></span></label>`;
}

// valueOf reads a field's control as the form's string value.
function valueOf(el) {
  switch (el.dataset.kind) {
    case 'bool': return el.checked ? 'true' : 'false';
    case 'datetime': return el.value ? el.value.replace('T', ' ').slice(0, 16) : '';
    default: return el.value;
  }
}

// hintProblem is what the client can tell about a value before the server
// does: empty but required, too long, not the pattern or the kind.
function hintProblem(f, v) {
  v = v.trim();
  if (!v) return f.required ? ['请填写', 'required'] : null;
  if (f.max_len && [...v].length > f.max_len) return [`最多${f.max_len}个字`, `at most ${f.max_len} characters`];
  if (f.kind === 'money' && !moneyRe.test(v)) return kindHints.money;
  if (f.kind === 'phone' && !phoneRe.test(v.replace(/[ -]/g, ''))) return kindHints.phone;
  if (f.pattern) {
    let re = null;
    try { re = new RegExp(`^(?:${f.pattern})$`); } catch { /* RE2 only: the server checks */ }
    if (re && !re.test(v)) return f.pattern_hint && f.pattern_hint.zh ? [f.pattern_hint.zh, f.pattern_hint.en] : ['格式不对', 'not the right format'];
  }
  return null;
}

// openForm shows form name filled from its record ({number} of a ticket,
// {card} of a card receipt, or nothing) and prints what the clerk edits.
// opts.back reopens what was shown before (the ticket).
export async function openForm(conn, name, opts = {}) {
  const box = modal(`<div class="formscreen" id="formscreen">${loading()}</div>`);
  const rec = {};
  if (opts.number) rec.number = opts.number;
  if (opts.card) rec.card = opts.card;
  const close = () => (opts.back ? opts.back() : modal(null));
  let v;
  try { v = await conn.call('form.get', { name, ...rec }); } catch (e) {
    box.innerHTML = `<p class="error" id="formerr">${errText(e)}</p><button class="btn" id="formback">${t('返回', 'Back')}</button>`;
    box.querySelector('#formback').onclick = close;
    return;
  }
  const form = v.form, values = v.values || {}, locked = new Set(v.locked || []);
  const fields = new Map();
  const sections = (form.sections || []).map((s) => {
    s.fields.forEach((f) => fields.set(f.id, f));
    return `<fieldset class="fsection">${s.title && s.title.zh ? `<legend>${t(s.title.zh, s.title.en)}</legend>` : ''}
      <div class="fgrid">${s.fields.map((f) => fieldHTML(f, values[f.id] ?? '', locked.has(f.id))).join('')}</div></fieldset>`;
  }).join('');
  const parts = v.parts || [];
  box.innerHTML = `<div class="formscreen" id="formscreen" data-form="${esc(form.name)}">
    <h2>${t(form.title.zh, form.title.en)} ${rec.number ? `<span class="mono">${esc(rec.number)}</span>` : ''}</h2>
    ${parts.length ? `<p class="sub">${t(`一式${parts.length}联`, `${parts.length} parts`)}: ${parts.map((p) => t(p.zh, p.en)).join(' · ')}</p>` : ''}
    <form id="formfields" novalidate>${sections}</form>
    <div id="formnote"></div><p class="error" id="formerr"></p>
    <div class="paperbox typed hidden" id="formpaper"><pre class="paper" id="formpreview"></pre></div>
    <div class="actions"><button class="btn" id="formpreviewbtn" data-key="V">${t('预览纸面', 'Preview the paper')} ${key('V')}</button>
      <button class="btn primary" id="formprint" data-key="P">${t('打印', 'Print')} ${key('P')}</button>
      ${parts.length >= 2 ? `<button class="btn" id="formprint2">${t('打印第二联', 'Print part 2')} <span class="sub">${t(parts[1].zh, parts[1].en)}</span></button>` : ''}
      <button class="btn secondary" id="formback">${opts.back ? t('返回', 'Back') : t('关闭', 'Close')}</button></div></div>`;
  const root = box.querySelector('#formscreen');
  const controls = () => [...root.querySelectorAll('[data-field]')];
  const showHint = (el) => {
    const f = fields.get(el.dataset.field), p = f && !locked.has(f.id) ? hintProblem(f, valueOf(el)) : null;
    el.closest('.ffield').classList.toggle('suspect', !!p);
    root.querySelector(`[data-ferr="${CSS.escape(el.dataset.field)}"]`).innerHTML = p ? t(...p) : '';
  };
  controls().forEach((el) => { el.addEventListener('change', () => showHint(el)); el.addEventListener('blur', () => showHint(el)); });
  root.querySelector('#formfields').onsubmit = (e) => e.preventDefault();
  root.querySelector('#formback').onclick = close;
  // The key of the next print: kept after a failure (a retry of a lost
  // reply queues no second slip), new after each print that was queued.
  let printKey = newKey();
  // send asks the server for op with what the clerk typed; a refused
  // field is marked where it is.
  const send = async (op, partList) => {
    root.querySelectorAll('.ffield.bad').forEach((l) => l.classList.remove('bad'));
    root.querySelectorAll('[data-ferr]').forEach((s) => { s.innerHTML = ''; });
    root.querySelector('#formerr').innerHTML = '';
    const vals = {};
    for (const el of controls()) vals[el.dataset.field] = locked.has(el.dataset.field) ? (values[el.dataset.field] ?? '') : valueOf(el);
    const args = { name: form.name, ...rec, values: vals };
    if (op === 'form.print') args.key = printKey;
    if (partList) args.parts = partList;
    try {
      return await conn.call(op, args);
    } catch (e) {
      const spot = e && e.field && root.querySelector(`[data-ferr="${CSS.escape(e.field)}"]`);
      if (spot) {
        spot.innerHTML = errText(e);
        const label = spot.closest('.ffield');
        label.classList.add('bad');
        label.querySelector('[data-field]').focus();
      } else root.querySelector('#formerr').innerHTML = errText(e);
      return null;
    }
  };
  const print = (btn, partList) => busy(btn, async () => {
    const r = await send('form.print', partList);
    if (!r) return;
    printKey = newKey();
    root.querySelector('#formnote').innerHTML = jobNote(r, partList ? '第二联正在打印' : '正在打印', partList ? 'Part 2 printing' : 'Printing');
    printerState(conn, root);
  });
  // The paper preview is the very document form.print queues, drawn line
  // for line at the desk printer's width.
  const previewBtn = root.querySelector('#formpreviewbtn');
  previewBtn.onclick = () => busy(previewBtn, async () => {
    const r = await send('form.preview', null);
    if (!r) return;
    const pre = root.querySelector('#formpreview');
    pre.dataset.columns = String(r.columns);
    pre.textContent = r.text;
    root.querySelector('#formpaper').classList.remove('hidden');
    pre.scrollIntoView({ block: 'nearest' });
  });
  root.querySelector('#formprint').onclick = (e) => print(e.currentTarget, null);
  const p2 = root.querySelector('#formprint2');
  if (p2) p2.onclick = () => print(p2, [2]);
}

// ticketForms adds "单据 / Forms" to a ticket's actions in box for staff:
// it lists the forms filled from a ticket (forms.list) and opens one with
// openForm; back reopens the ticket.
export function ticketForms(conn, box, number, back) {
  const acts = box && box.querySelector('#tkactions');
  if (!acts || !can('staff') || acts.querySelector('#formsbtn')) return;
  acts.insertAdjacentHTML('beforeend', `<button class="btn secondary" id="formsbtn">${t('单据', 'Forms')}</button>`);
  const btn = acts.querySelector('#formsbtn');
  btn.onclick = () => busy(btn, async () => {
    const spot = box.querySelector('#actionform');
    try {
      const list = (await conn.call('forms.list')).filter((f) => f.ticket);
      // A form element: the staff page does not redraw a ticket with a form open in it.
      spot.innerHTML = `<form class="formlist" id="formlist">${list.map((f) => `<button type="button" class="btn" data-form="${esc(f.name)}">${t(f.title.zh, f.title.en)}${
        (f.parts || []).length ? ` <span class="sub">${t(`${f.parts.length}联`, `${f.parts.length} parts`)}</span>` : ''}</button>`).join('')}</form>`;
      spot.querySelector('#formlist').onsubmit = (e) => e.preventDefault();
      spot.querySelectorAll('[data-form]').forEach((b) => b.onclick = () => openForm(conn, b.dataset.form, { number, back }));
    } catch (e) { spot.innerHTML = `<p class="error">${errText(e)}</p>`; }
  });
}
