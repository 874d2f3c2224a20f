// The reports screen (报表) of the staff pages: the service KPIs with
// hand-drawn SVG charts against the SLA targets, the daily closing (日结)
// with its one-step close and printed slip, the weekly complaint summary,
// and the technicians' and supervisor's daily reports. Every table links
// to its CSV download (GET /reports/{kind}.csv, docs/protocol.md). The
// data comes from report.get and day.close; no library, no CDN.
import { t, esc, yuan, errText, busy, loading, modal, wireClose, jobNote, printerState, can, name, deviceKey,
  kindNames, ledgerNames, outcomeNames, resultNames, statusNames, surveyItems } from './common.js';
import { openTicket } from './ticket.js';

// view is what the screen shows; it outlives a re-mount (tab switches).
const view = { tab: 'kpi', preset: 'month', from: '', to: '', day: '' };
let seq = 0; // the latest load: an older answer arriving late is dropped

const views = [['kpi', '服务指标', 'KPIs'], ['closing', '日结', 'Daily closing'], ['complaints', '投诉汇总', 'Complaints'], ['daily', '员工日报', 'Daily reports']];
const presets = [['today', '今天', 'Today'], ['week', '本周', 'This week'], ['month', '本月', 'This month'], ['custom', '自定义', 'Custom']];
// A closed ticket's outcome as reports name it: its repair result, else its agreed outcome.
const closedNames = { ...outcomeNames, ...resultNames, none: ['未记录', 'not recorded'] };

// mountReports draws the reports screen into el, talking over conn; tz is
// the store's time zone (whoami's time_zone), whose day "today" is.
export function mountReports(el, conn, tz) {
  zone = tz || undefined;
  if (!view.to) setPreset(view.preset);
  if (!view.day) view.day = ymd(new Date());
  el.innerHTML = `<section id="reports"><h1>${t('报表', 'Reports')}</h1>
    <nav class="rnav">${views.map(([id, zh, en]) => `<button class="btn small ${view.tab === id ? 'chosen' : ''}" data-rview="${id}" id="rv-${id}">${t(zh, en)}</button>`).join('')}</nav>
    <form id="rperiod" class="filters"></form><div id="rbody"></div></section>`;
  el.querySelectorAll('[data-rview]').forEach((b) => b.onclick = () => {
    view.tab = b.dataset.rview;
    el.querySelectorAll('[data-rview]').forEach((x) => x.classList.toggle('chosen', x === b));
    show(el, conn);
  });
  show(el, conn);
}

// show draws the picker of the view (a period or a day) and loads it.
function show(el, conn) {
  const form = el.querySelector('#rperiod');
  const perDay = view.tab === 'closing' || view.tab === 'daily';
  form.innerHTML = perDay
    ? `<label>${t('日期', 'Day')} <input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" name="day" id="rday" value="${esc(view.day)}" max="${esc(ymd(new Date()))}"></label>`
    : `<span class="presets">${presets.map(([id, zh, en]) => `<button type="button" class="btn small ${view.preset === id ? 'chosen' : ''}" data-preset="${id}">${t(zh, en)}</button>`).join('')}</span>
      <label>${t('从', 'From')} <input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" name="from" id="rfrom" value="${esc(view.from)}"></label>
      <label>${t('到', 'To')} <input type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD" maxlength="10" class="dateinput" name="to" id="rto" value="${esc(view.to)}"></label>`;
  form.onsubmit = (e) => e.preventDefault();
  form.onchange = () => {
    if (perDay) view.day = form.day.value || view.day;
    else { view.preset = 'custom'; view.from = form.from.value || view.from; view.to = form.to.value || view.from; }
    show(el, conn);
  };
  form.querySelectorAll('[data-preset]').forEach((b) => b.onclick = () => { setPreset(b.dataset.preset); show(el, conn); });
  load(el.querySelector('#rbody'), conn);
}

async function load(body, conn) {
  const my = ++seq;
  body.innerHTML = loading();
  const draw = { kpi: drawKPI, closing: drawClosing, complaints: drawComplaints, daily: drawDaily }[view.tab];
  try {
    const html = await draw(conn, body, () => my === seq);
    if (my !== seq || html === undefined) return;
    body.innerHTML = html;
    body.querySelectorAll('[data-open]').forEach((a) => a.onclick = (e) => { e.preventDefault(); openTicket(conn, a.dataset.open); });
  } catch (e) {
    if (my === seq) body.innerHTML = `<p class="error">${errText(e)}</p>`;
  }
}

// ---- periods ----

// zone is the store's time zone (mountReports); undefined: the browser's.
let zone;

// ymd is the day of d in the store's time zone, YYYY-MM-DD: a browser whose
// clock is in another zone still closes and reports the store's day.
function ymd(d) { return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d); }

// setPreset sets the period: today, this week (from Monday), this month, or
// custom (the period stays as it is, for the date fields).
function setPreset(p) {
  const now = new Date(), today = ymd(now);
  view.preset = p;
  if (p === 'today') [view.from, view.to] = [today, today];
  if (p === 'week') { const d = new Date(today + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); [view.from, view.to] = [d.toISOString().slice(0, 10), today]; }
  if (p === 'month') [view.from, view.to] = [today.slice(0, 8) + '01', today];
  if (p === 'custom' && !view.to) [view.from, view.to] = [today, today];
}

function daysBetween(from, to) { return Math.round((Date.parse(to) - Date.parse(from)) / 86400000) + 1; }

// ---- tables and downloads ----

// csvLink links a report's table to its CSV download.
function csvLink(kind, from, to, table) {
  const q = new URLSearchParams({ from, to });
  if (table) q.set('table', table);
  if (deviceKey()) q.set('key', deviceKey());
  return `<a class="csv" data-csv="${esc(table || kind)}" href="/reports/${esc(kind)}.csv?${esc(q.toString())}" download>${t('下载 CSV', 'Download CSV')}</a>`;
}

// table draws a titled table: head is [zh, en] pairs; rows are cells of
// HTML the caller has escaped; csv is its download link; chart, if any,
// goes between the title and the table.
function table(id, title, head, rows, csv, chart = '') {
  return `<div class="rtable"><div class="rhead"><h2>${t(title[0], title[1])}</h2>${csv}</div>${chart}
    <table class="board report" id="${id}"><thead><tr>${head.map(([zh, en]) => `<th>${t(zh, en)}</th>`).join('')}</tr></thead><tbody>
    ${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') || `<tr><td class="empty" colspan="${head.length}">${t('无', 'None')}</td></tr>`}
    </tbody></table></div>`;
}

function pct(r) { return r && r.total ? (100 * r.value).toFixed(1) + '%' : '—'; }
function bp(f) { return f ? '≥' + Math.round(100 * f) + '%' : ''; }

// ---- charts: plain SVG drawn here ----

// label draws a chart label in both languages (the page shows one).
function label(x, y, l, anchor) {
  const a = anchor ? ` text-anchor="${anchor}"` : '';
  if (l.zh === l.en) return `<text class="typed" x="${x}" y="${y}"${a}>${esc(l.zh)}</text>`;
  return `<text class="zh" x="${x}" y="${y}"${a}>${esc(l.zh)}</text><text class="en" x="${x}" y="${y}"${a}>${esc(l.en)}</text>`;
}

// rateChart draws rates as bars from 0 to 100 %, each with its target as
// a dashed mark; a bar under its target is red, over it green.
function rateChart(id, rows) {
  const W = 760, L = 250, B = 360, rowH = 30, top = 8, H = top + rows.length * rowH + 26;
  let s = '';
  for (const x of [0, 0.5, 1]) {
    s += `<line class="grid" x1="${L + x * B}" x2="${L + x * B}" y1="${top}" y2="${H - 22}"/><text class="axis" x="${L + x * B}" y="${H - 6}" text-anchor="middle">${x * 100}%</text>`;
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    s += label(L - 10, y + 19, r, 'end') + `<rect class="track" x="${L}" y="${y + 5}" width="${B}" height="18"/>`;
    if (r.rate && r.rate.total) {
      const cls = r.target ? (r.rate.value >= r.target ? 'good' : 'bad') : 'plain';
      s += `<rect class="bar ${cls}" x="${L}" y="${y + 5}" width="${Math.max(1, r.rate.value * B).toFixed(1)}" height="18"><title>${esc(r.rate.count)} / ${esc(r.rate.total)}</title></rect>`;
    }
    if (r.target) s += `<line class="target" x1="${L + r.target * B}" x2="${L + r.target * B}" y1="${y + 1}" y2="${y + 27}"><title>${esc(bp(r.target))}</title></line>`;
    s += `<text class="val" x="${L + B + 10}" y="${y + 19}">${esc(pct(r.rate))}${r.rate && r.rate.total ? ` (${esc(r.rate.count)}/${esc(r.rate.total)})` : ''}</text>`;
  });
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="rates">${s}</svg>`;
}

// niceMax rounds a count up to 2, 4, 6, 8 or 10 times a power of ten, so
// the middle grid line falls on a whole number.
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1)));
  return [2, 4, 6, 8, 10].map((m) => m * p).find((m) => m >= v);
}

// columnChart draws groups of columns (one per series) over labels, e.g.
// tickets opened and closed per day or per kind.
function columnChart(id, groups, series) {
  const n = Math.max(groups.length, 1), W = 760, left = 44, top = 26, bottom = 34, h = 150, H = top + h + bottom;
  const slot = (W - left - 10) / n, bw = Math.min(28, (slot * 0.8) / series.length);
  const max = niceMax(Math.max(1, ...groups.flatMap((g) => g.values)));
  const every = Math.ceil(n / 13);
  let s = series.map((se, i) => `<rect class="bar ${se.cls}" x="${left + i * 130}" y="4" width="12" height="12"/>` + label(left + i * 130 + 16, 15, se)).join('');
  for (const f of [0, 0.5, 1]) {
    const y = top + h - f * h;
    s += `<line class="grid" x1="${left}" x2="${W - 6}" y1="${y}" y2="${y}"/><text class="axis" x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(f * max)}</text>`;
  }
  groups.forEach((g, i) => {
    const x0 = left + i * slot + (slot - bw * series.length) / 2;
    g.values.forEach((v, j) => {
      const bh = (v / max) * h;
      s += `<rect class="bar ${esc(series[j].cls)}" x="${(x0 + j * bw).toFixed(1)}" y="${(top + h - bh).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(v)}</title></rect>`;
    });
    if (i % every === 0) s += label(left + i * slot + slot / 2, top + h + 16, g, 'middle');
  });
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="columns">${s}</svg>`;
}

// barChart draws counts as horizontal bars (complaint reasons, jobs per technician).
function barChart(id, rows) {
  if (!rows.length) return '';
  const W = 760, L = 250, B = 400, rowH = 26, H = rows.length * rowH + 8;
  const max = niceMax(Math.max(1, ...rows.map((r) => r.value)));
  const s = rows.map((r, i) => {
    const y = 4 + i * rowH;
    return label(L - 10, y + 16, r, 'end') + `<rect class="bar plain" x="${L}" y="${y + 3}" width="${Math.max(1, (r.value / max) * B).toFixed(1)}" height="16"/>` +
      `<text class="val" x="${L + (r.value / max) * B + 8}" y="${y + 16}">${esc(r.value)}</text>`;
  }).join('');
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="counts">${s}</svg>`;
}

function plain(s) { return { zh: String(s ?? ''), en: String(s ?? '') }; }
function named(table, k) { const v = table[k]; return v ? { zh: v[0], en: v[1] } : plain(k); }

// ---- KPIs ----

async function drawKPI(conn, body, current) {
  const { from, to } = view;
  const k = await conn.call('report.get', { kind: 'kpi', from, to });
  const sat = k.satisfaction || {};
  const rows = [
    { zh: '按时完成率', en: 'On time', rate: k.on_time, target: k.on_time_target },
    { zh: '满意度（总体）', en: 'Satisfaction overall', rate: k.satisfaction_overall, target: k.satisfaction_target },
    ...surveyItems.map(([id, zh, en]) => ({ zh: '满意度·' + zh, en: 'Satisfaction: ' + en, rate: sat[id], target: k.satisfaction_target })),
    { zh: '投诉按时答复', en: 'Complaint replies on time', rate: k.complaint_replies },
    { zh: '投诉率', en: 'Complaint rate', rate: k.complaints },
    { zh: '返修率', en: 'Repeat repairs', rate: k.repeat_repairs },
  ];
  const cell = (r) => [esc(r.rate ? r.rate.count : 0), esc(r.rate ? r.rate.total : 0), esc(pct(r.rate)), esc(bp(r.target))];
  const tableRows = rows.map((r) => [t(r.zh, r.en), ...cell(r)]).concat([
    [t('新受理服务单', 'Tickets opened'), esc(k.tickets), '', '', ''],
    [t('已解决', 'Resolved'), esc(k.resolved), '', '', ''],
    [t('平均解决时长（小时）', 'Mean hours to resolve'), esc((k.avg_resolve_seconds / 3600).toFixed(1)), '', '', ''],
  ]);
  let html = `<p class="sub">${esc(k.from)} – ${esc(k.to)} · ${t('绿色达标，红色未达标，蓝色无目标，虚线为目标（服务时限设置）', 'green meets the target, red misses it, blue has no target; the dashed mark is the target (service-time settings)')}</p>
    <div class="chartbox">${rateChart('kpichart', rows)}</div>` +
    table('kpitable', ['服务指标', 'Service KPIs'], [['指标', 'KPI'], ['数', 'Count'], ['总数', 'Total'], ['比率', 'Rate'], ['目标', 'Target']], tableRows, csvLink('kpi', k.from, k.to, 'kpi'));
  if (daysBetween(k.from, k.to) > 62) {
    return html + `<p class="hint">${t('每日服务单图最多 62 天，请缩短时间段', 'The tickets-per-day chart covers at most 62 days: choose a shorter period')}</p>`;
  }
  if (current()) body.innerHTML = html + loading();
  const cs = await conn.call('report.get', { kind: 'closing', from: k.from, to: k.to });
  const days = cs.map((c) => ({ zh: c.day.slice(5), en: c.day.slice(5), values: [c.opened, c.closed] }));
  return html +
    table('daytable', ['每日服务单', 'Tickets per day'], [['日期', 'Day'], ['新受理', 'Opened'], ['已结案', 'Closed'], ['已取消', 'Cancelled'], ['日结', 'Closed the day']],
      cs.map((c) => [esc(c.day), esc(c.opened), esc(c.closed), esc(c.cancelled), c.frozen ? t('已日结', 'closed') : '']), csvLink('closing', k.from, k.to, 'closing-totals'),
      `<div class="chartbox">${columnChart('daychart', days, [{ zh: '新受理', en: 'Opened', cls: 's1' }, { zh: '已结案', en: 'Closed', cls: 's2' }])}</div>`);
}

// ---- the daily closing ----

// drawClosing draws the day's closing itself (its button needs wiring).
async function drawClosing(conn, body, current) {
  const day = view.day;
  const [c] = await conn.call('report.get', { kind: 'closing', from: day, to: day });
  if (current()) showClosing(conn, body, c, null);
}

// showClosing draws a closing and, after day.close, what happened (r).
function showClosing(conn, body, c, r) {
  const state = c.frozen
    ? `<span class="pill ok">${t('已日结', 'Closed')}</span> <span class="mono">${esc(c.closed_by || '')}</span> ${esc(String(c.closed_at || '').replace('T', ' ').slice(0, 16))} <span class="sub">${t('数字已冻结', 'the figures are frozen')}</span>`
    : `<span class="pill">${t('未日结', 'Not closed')}</span> <span class="sub">${t('当前实时数字', 'live figures')}</span>`;
  const btn = !can('approvers') ? '' : c.frozen
    ? `<button class="btn" id="closeday">${t('重打日结单', 'Print the slip again')}</button>`
    : `<button class="btn primary" id="closeday">${t('日结', 'Close the day')}</button>`;
  let note = '';
  if (r) {
    note = (r.already_closed ? `<p class="warn">${t('此日已日结，数字未变', 'This day was closed already: the figures are unchanged')}</p>` : `<p class="ok" id="closedok">${t('日结完成', 'The day is closed')}</p>`) +
      (jobNote(r, '日结单正在打印', 'Closing slip printing') || `<p class="hint">${t('此服务台没有打印机，未打印', 'No printer for this desk: nothing printed')}</p>`);
  }
  const money = [
    ['新受理', 'Opened', esc(c.opened)], ['已结案', 'Closed', esc(c.closed)], ['已取消', 'Cancelled', esc(c.cancelled)],
    ['现金退款', 'Refunds in cash', yuan(c.refund_cash_fen)], ['退至储值卡', 'Refunds to cards', yuan(c.refund_card_fen)],
    ['充值收入', 'Card money in', yuan(c.card_in_fen)], ['卡内消费', 'Charged to cards', yuan(c.card_charges_fen)],
    ['退余额支出', 'Cash-outs', yuan(c.card_out_fen)], ['期初卡余额', 'Card liability at start', yuan(c.liability_start_fen)],
    ['卡余额合计（负债）', 'Card liability at end', yuan(c.liability_end_fen)], ['现金收费', 'Fees in cash', yuan(c.fees_cash_fen)],
    ['储值卡收费', 'Fees by card', yuan(c.fees_card_fen)],
  ];
  const kinds = (c.tickets || []).map((row) => ({ ...named(kindNames, row.kind), values: [row.opened, Object.values(row.closed || {}).reduce((a, b) => a + b, 0)] }));
  const ticketRows = (c.tickets || []).flatMap((row) => {
    const outs = Object.keys(row.closed || {}).sort();
    if (!outs.length) return [[name(kindNames, row.kind), esc(row.opened), '', '0']];
    return outs.map((o, i) => [name(kindNames, row.kind), i ? '' : esc(row.opened), name(closedNames, o), esc(row.closed[o])]);
  });
  const disc = c.discrepancies || [];
  const over = (c.operators || []).filter((o) => o.over);
  body.innerHTML = `<div class="closing" id="closing"><h2>${t('日结', 'Daily closing')} ${esc(c.day)}</h2>
    <p id="closingstate">${state}</p><div class="actions">${btn}</div><div id="closenote">${note}</div>
    ${disc.length ? `<div class="alert" id="discrepancies">${t('不平项', 'Does not reconcile')}: ${disc.map(esc).join('<br>')}</div>` : `<p class="ok">${t('账目相符', 'Everything reconciles')}</p>`}
    ${over.length ? `<div class="alert" id="overlimit">${t('超过当日金额权限', 'Over the daily money limit')}: ${over.map((o) => `<span class="mono">${esc(o.operator)}</span> ${yuan(o.total_fen)} &gt; ${yuan(o.limit_fen)}`).join('<br>')}</div>` : ''}
    ${table('closingtotals', ['日结汇总', 'Totals'], [['项目', 'Figure'], ['值', 'Value']], money.map(([zh, en, v]) => [t(zh, en), v]), csvLink('closing', c.day, c.day, 'closing-totals'))}
    ${table('closingtickets', ['服务单（按类别与结果）', 'Tickets by kind and outcome'], [['类别', 'Kind'], ['新受理', 'Opened'], ['结果', 'Outcome'], ['已结案', 'Closed']], ticketRows,
      csvLink('closing', c.day, c.day, 'closing-tickets'), kinds.length ? `<div class="chartbox">${columnChart('kindchart', kinds, [{ zh: '新受理', en: 'Opened', cls: 's1' }, { zh: '已结案', en: 'Closed', cls: 's2' }])}</div>` : '')}
    ${table('closingcards', ['储值卡流水', 'Card ledger'], [['类型', 'Kind'], ['笔数', 'Count'], ['金额', 'Amount']],
      (c.card || []).map((x) => [name(ledgerNames, x.kind), esc(x.count), yuan(x.sum_fen)]), csvLink('closing', c.day, c.day, 'closing-cards'))}
    ${table('closingoperators', ['经手金额（按员工）', 'Card money by staff'], [['员工', 'Staff'], ['笔数', 'Count'], ['金额', 'Amount'], ['当日权限', 'Daily limit'], ['超限', 'Over']],
      (c.operators || []).map((o) => [`<span class="mono">${esc(o.operator)}</span>`, esc(o.count), yuan(o.total_fen), o.limit_fen ? yuan(o.limit_fen) : '', o.over ? `<span class="warn">${t('超限', 'over the limit')}</span>` : '']),
      csvLink('closing', c.day, c.day, 'closing-operators'))}
    ${table('closingdisc', ['不平项', 'Not reconciled'], [['说明', 'Problem']], disc.map((d) => [esc(d)]), csvLink('closing', c.day, c.day, 'closing-discrepancies'))}
    ${table('closingadj', ['已日结日期的调整', 'Adjustments to closed days'], [['日期', 'Day'], ['项目', 'Figure'], ['原值', 'Was'], ['现值', 'Now']],
      (c.adjustments || []).map((a) => [esc(a.day), esc(a.figure), esc(a.was), esc(a.now)]), csvLink('closing', c.day, c.day, 'closing-adjustments'))}</div>`;
  if (r) printerState(conn, body);
  const b = body.querySelector('#closeday');
  if (b) b.onclick = () => confirmClose(conn, body, c);
}

// confirmClose asks before closing the day, then closes it with a
// progress indicator and shows the frozen figures.
function confirmClose(conn, body, c) {
  const again = c.frozen;
  const box = modal(`<h2>${again ? t('重打日结单', 'Print the closing slip again') : t('确认日结', 'Close the day')} ${esc(c.day)}</h2>
    <p>${again ? t('数字不变，再打印一张日结单。', 'The figures stay as they are; another slip prints.')
      : t('日结后当日数字冻结，之后的更正作为调整显示在下一次日结中，并打印日结单。', 'The day\'s figures freeze; later corrections show as adjustments on the next closing. The closing slip prints.')}</p>
    <div class="actions"><button class="btn primary" id="confirmclose">${again ? t('打印', 'Print') : t('确认日结', 'Close the day')}</button>
    <button class="btn secondary" data-close>${t('取消', 'Cancel')}</button></div><p class="error" id="closeerr"></p>`);
  wireClose();
  const ok = box.querySelector('#confirmclose');
  ok.onclick = () => busy(ok, async () => {
    try {
      const r = await conn.call('day.close', { day: c.day });
      modal(null);
      if (view.tab === 'closing' && body.isConnected) showClosing(conn, body, r.closing, r);
    } catch (e) { box.querySelector('#closeerr').innerHTML = errText(e); }
  });
}

// ---- complaints ----

async function drawComplaints(conn) {
  const { from, to } = view;
  const s = await conn.call('report.get', { kind: 'complaints', from, to });
  const reasons = s.by_reason || [], open = s.open || [];
  return `<p class="sub">${esc(s.from)} – ${esc(s.to)} · ${t('每周汇总分析投诉', 'complaints are summarised and analysed weekly')}</p>` +
    table('complainttotals', ['投诉汇总', 'Complaints'], [['项目', 'Figure'], ['数', 'Count']], [
      [t('投诉', 'Complaints'), esc(s.count)], [t('按时答复', 'Replied on time'), esc(s.replied_on_time)],
      [t('超时答复', 'Replied late'), esc(s.replied_late)], [t('未答复', 'Not answered yet'), esc(open.length)]], csvLink('complaints', s.from, s.to, 'complaints')) +
    (reasons.length ? `<div class="chartbox">${barChart('reasonchart', reasons.map((r) => ({ ...plain(r.reason), value: r.count })))}</div>` : '') +
    table('complaintreasons', ['投诉原因', 'By reason'], [['原因', 'Reason'], ['数', 'Count']], reasons.map((r) => [esc(r.reason), esc(r.count)]), csvLink('complaints', s.from, s.to, 'complaints-reasons')) +
    table('complaintsopen', ['未答复投诉', 'Open complaints'], [['单号', 'Number'], ['原因', 'Reason'], ['受理', 'Created'], ['应答复', 'Due'], ['超时', 'Late']],
      open.map((o) => [`<a href="#reports" class="mono" data-open="${esc(o.number)}">${esc(o.number)}</a>`, esc(o.reason), esc(String(o.created).replace('T', ' ').slice(0, 16)),
        esc(String(o.due).replace('T', ' ').slice(0, 16)), o.late ? `<span class="error">${t('已超时', 'late')}</span>` : '']), csvLink('complaints', s.from, s.to, 'complaints-open'));
}

// ---- the technicians' and supervisor's daily reports ----

// movesWords names a technician's moves of the day ("in_repair→ready,
// ready→closed") by the states' names.
function movesWords(work) {
  return String(work || '').split(', ').filter(Boolean)
    .map((m) => m.split('→').map((st) => name(statusNames, st)).join(' → ')).join('，');
}

async function drawDaily(conn) {
  const day = view.day;
  const [d] = await conn.call('report.get', { kind: 'daily', from: day, to: day });
  const sup = d.supervisor || {}, techs = d.technicians || [], jobs = sup.technicians || [];
  const supRows = [
    ...jobs.map((j) => [`${t('件数', 'Jobs')} <span class="mono">${esc(j.technician)}</span>`, esc(j.jobs)]),
    ...['A', 'B', 'C', 'D'].map((k) => [`${t('服务类别', 'Class')} ${k}`, esc((sup.by_class || {})[k] || 0)]),
    [t('转主管', 'Escalated'), esc(sup.escalated)], [t('已审批', 'Approved'), esc(sup.approved)],
    [t('处理结算', 'Settlements'), esc(sup.settlements)], [t('结算退款', 'Settled refunds'), yuan(sup.settled_refund_fen)],
    [t('逾期未结', 'Overdue'), esc(sup.overdue)],
  ];
  return `<h2>${t('员工日报', 'Daily reports')} ${esc(sup.day || day)}</h2>` +
    (jobs.length ? `<div class="chartbox">${barChart('jobchart', jobs.map((j) => ({ ...plain(j.technician), value: j.jobs })))}</div>` : '') +
    table('supervisordaily', ['服务主任日报表', 'Supervisor daily report'], [['项目', 'Figure'], ['值', 'Value']], supRows, csvLink('daily', day, day, 'supervisor-daily')) +
    table('techdaily', ['技术人员日报表', 'Technician daily report'], [['技术人员', 'Technician'], ['单号', 'Number'], ['类别', 'Kind'], ['服务类别', 'Class'], ['内容', 'Work']],
      techs.flatMap((td) => (td.items || []).map((i) => [`<span class="mono">${esc(td.technician)}</span>`, `<span class="mono">${esc(i.number)}</span>`, name(kindNames, i.kind), esc(i.class), movesWords(i.work)])),
      csvLink('daily', day, day, 'tech-daily'));
}
