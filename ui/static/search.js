// The search box on every staff screen: a ticket number, phone, card
// number, serial or customer name (ticket.search guesses which). One match
// opens the ticket at once — so a scanner's Enter in the box opens the
// scanned ticket —, several show as a list under the box. "/" anywhere
// outside a field puts the cursor in the box; Esc closes the list.
import { t, errText, ticketTable } from './common.js';
import { openTicket } from './ticket.js';

// mountSearch fills form with the box once, and shows it only while on.
export function mountSearch(conn, form, on) {
  if (!form) return;
  form.classList.toggle('hidden', !on);
  if (!on) { closeList(form); return; }
  if (form.dataset.mounted) return;
  form.dataset.mounted = '1';
  form.innerHTML = `<input id="searchq" type="search" autocomplete="off" enterkeyhint="search"
      placeholder="搜索 单号·电话·卡号·序列号·姓名  ( / )" title="单号、电话、卡号、序列号、姓名 / ticket number, phone, card, serial, name" aria-label="搜索 / search">
    <button class="btn small" id="searchgo">${t('搜索', 'Search')}</button><div class="searchlist hidden" id="searchlist"></div>`;
  const q = form.querySelector('#searchq');
  form.onsubmit = (e) => { e.preventDefault(); search(conn, form, q.value.trim()); };
  q.onkeydown = (e) => { if (e.key === 'Escape') { closeList(form); q.blur(); } };
  let slashed = 0; // when "/" put the cursor here: that "/" is not typed into the box
  q.addEventListener('beforeinput', (e) => { if (e.data === '/' && Date.now() - slashed < 300) { slashed = 0; e.preventDefault(); } });
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || form.classList.contains('hidden') || (e.target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName))) return;
    e.preventDefault(); slashed = Date.now(); q.focus(); q.select();
  });
  document.addEventListener('click', (e) => { if (!form.contains(e.target)) closeList(form); });
  window.addEventListener('resize', () => { const l = form.querySelector('#searchlist'); if (!l.classList.contains('hidden')) show(form, l); });
}

function closeList(form) {
  const l = form.querySelector('#searchlist');
  if (l) { l.classList.add('hidden'); l.innerHTML = ''; }
}

// search asks ticket.search and opens the one match or lists several.
async function search(conn, form, q) {
  const list = form.querySelector('#searchlist');
  if (!q) return;
  try {
    const found = await conn.call('ticket.search', { q });
    if (found.length === 1) { closeList(form); form.querySelector('#searchq').value = ''; openTicket(conn, found[0].number); return; }
    list.innerHTML = found.length
      ? `<p class="sub" id="searchcount">${t(`找到 ${found.length} 张服务单`, `${found.length} tickets found`)}</p>${ticketTable(found)}`
      : `<p class="empty" id="searchnone">${t('没有找到：' + q, 'Nothing found: ' + q)}</p>`;
    show(form, list);
    list.querySelectorAll('[data-ticket]').forEach((r) => r.onclick = () => { closeList(form); openTicket(conn, r.dataset.ticket); });
  } catch (e) {
    list.innerHTML = `<p class="error" id="searcherr">${errText(e)}</p>`;
    show(form, list);
  }
}

// show opens the list just under the box, as wide as the window allows.
function show(form, list) {
  list.style.top = Math.round(form.getBoundingClientRect().bottom + 4) + 'px';
  list.classList.remove('hidden');
}
