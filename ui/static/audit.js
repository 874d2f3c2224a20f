// The audit screen (审计) of the staff pages, for supervisors and admins:
// who did what, when, from which desk and address, over the store's audit
// log (audit.list, docs/protocol.md), filtered by operator, action, record
// and days, a page at a time; failed logins and lockouts are there too.
import { t, esc, errText, loading, time, said } from './common.js';

// filters outlive a re-mount (tab switches); pages are the cursors of the
// pages shown before, for 上一页 / Newer.
const filters = { operator: '', action: '', record: '', from: '', to: '' };
let pages = [''];

// actionPresets are the filters a supervisor asks for most.
const actionPresets = [['', '全部', 'Everything'], ['session.', '登录', 'Logins'], ['session.login_failed', '登录失败', 'Failed logins'],
  ['session.lockout', '锁定', 'Lockouts'], ['ticket.', '服务单', 'Tickets'], ['card.', '储值卡', 'Cards'], ['printjob.', '打印', 'Printing'], ['day.close', '日结', 'Day close']];

// mountAudit draws the audit screen into el, talking over conn.
export function mountAudit(el, conn) {
  el.innerHTML = `<section id="audit"><h1>${t('审计日志', 'Audit log')}</h1>
    <form id="auditfilter" class="filters">
      <label>${t('操作员', 'Operator')} <input name="operator" value="${esc(filters.operator)}" placeholder="clerk / anonymous"></label>
      <label>${t('操作', 'Action')} <select name="preset">${actionPresets.map(([v, zh, en]) => `<option value="${esc(v)}" ${filters.action === v ? 'selected' : ''}>${esc(zh)} ${esc(en)}</option>`).join('')}</select></label>
      <label>${t('或操作名', 'or action')} <input name="action" value="${esc(filters.action)}" placeholder="ticket.transition"></label>
      <label>${t('记录', 'Record')} <input name="record" value="${esc(filters.record)}" placeholder="ticket/T20261123-0042"></label>
      <label>${t('从', 'From')} <input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" name="from" value="${esc(filters.from)}"></label>
      <label>${t('到', 'To')} <input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" name="to" value="${esc(filters.to)}"></label>
      <button class="btn" id="auditgo">${t('查询', 'Search')}</button></form>
    <div id="auditbody">${loading()}</div></section>`;
  const form = el.querySelector('#auditfilter');
  form.preset.onchange = () => { form.action.value = form.preset.value; };
  form.onsubmit = (e) => {
    e.preventDefault();
    for (const k of ['operator', 'action', 'record', 'from', 'to']) filters[k] = form[k].value.trim();
    pages = [''];
    load(el, conn);
  };
  load(el, conn);
}

// load shows the page whose cursor is last in pages.
async function load(el, conn) {
  const body = el.querySelector('#auditbody');
  if (!body) return;
  body.innerHTML = loading();
  const args = { limit: 50 };
  for (const [k, v] of Object.entries(filters)) if (v) args[k] = v;
  if (pages[pages.length - 1]) args.before = pages[pages.length - 1];
  let p;
  try { p = await conn.call('audit.list', args); } catch (e) { body.innerHTML = `<p class="error" id="auditerr">${errText(e)}</p>`; return; }
  body.innerHTML = `${entriesTable(p.entries || [])}
    <div class="actions">${pages.length > 1 ? `<button class="btn small" id="auditnewer">← ${t('较新', 'Newer')}</button>` : ''}
    ${p.next ? `<button class="btn small" id="auditolder">${t('较早', 'Older')} →</button>` : ''}
    <span class="sub">${t('第 ' + pages.length + ' 页', 'page ' + pages.length)}</span></div>`;
  wireDetails(body, conn);
  const newer = body.querySelector('#auditnewer'), older = body.querySelector('#auditolder');
  if (newer) newer.onclick = () => { pages.pop(); load(el, conn); };
  if (older) older.onclick = () => { pages.push(p.next); load(el, conn); };
}

// entriesTable lists entries; each one's record before and after opens
// below it as text.
function entriesTable(list) {
  if (!list.length) return `<p class="empty" id="auditempty">${t('没有符合条件的记录', 'No entries match')}</p>`;
  return `<table class="board audit" id="audittable"><thead><tr><th>${t('时间', 'Time')}</th><th>${t('操作员', 'Operator')}</th><th>${t('服务台', 'Desk')}</th>
    <th>${t('地址', 'Address')}</th><th>${t('操作', 'Action')}</th><th>${t('记录', 'Record')}</th><th>${t('原因', 'Reason')}</th></tr></thead><tbody>
    ${list.map((e) => `<tr data-action="${esc(e.action)}"><td class="mono">${time(e.time)}</td><td class="mono">${esc(e.operator)}</td><td class="mono">${esc(e.desk || '')}</td>
      <td class="mono">${esc(e.addr || '')}</td><td class="mono">${esc(e.action)}</td><td class="mono">${esc(e.record)}</td>
      <td>${String(e.reason || '').includes(' / ') ? said(e.reason) : `<span class="typed">${esc(e.reason || '')}</span>`}${e.detail ? `<details data-entry="${esc(e.id)}"><summary>${t('前后', 'Before / after')}</summary>
        <pre class="auditjson"></pre></details>` : ''}</td></tr>`).join('')}</tbody></table>`;
}

// wireDetails loads an entry's record before and after (audit.get) when
// its details are opened, shown as text.
function wireDetails(body, conn) {
  body.querySelectorAll('details[data-entry]').forEach((d) => d.addEventListener('toggle', async () => {
    const pre = d.querySelector('pre');
    if (!d.open || pre.dataset.loaded) return;
    pre.dataset.loaded = '1';
    try {
      const e = await conn.call('audit.get', { id: d.dataset.entry });
      pre.textContent = JSON.stringify(e.before ?? null, null, 1) + '\n→ ' + JSON.stringify(e.after ?? null, null, 1);
    } catch (err) { pre.textContent = err.message || String(err); }
  }));
}
