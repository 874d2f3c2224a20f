// HTTPS and terminals on the staff pages: the link to the box's CA
// certificate with its SHA-256 fingerprint (to compare with the kiosk's
// before trusting it), and for admins the list of logged-in terminals,
// each of which can be logged out (session.list, session.revoke).
import { t, esc, errText, time, busy, name, roleNames } from './common.js';

// caNote links the CA certificate with its fingerprint ('' without HTTPS).
export function caNote(me) {
  if (!me || !me.ca_fingerprint) return '';
  return `<p class="canote sub" id="canote"><a href="/ca.crt" download id="calink">${t('下载本机 CA 证书', "Download the box's CA certificate")}</a>
    SHA-256 <span class="mono fp" id="cafp">${esc(me.ca_fingerprint)}</span></p>`;
}

// renderTerminals draws the live sessions into el with a log-out button each.
export async function renderTerminals(conn, el) {
  if (!el) return;
  let list;
  try { list = (await conn.call('session.list')).sessions || []; } catch (e) { el.innerHTML = `<p class="error">${errText(e)}</p>`; return; }
  el.innerHTML = `<table class="board" id="terminals"><thead><tr><th>${t('员工', 'Staff')}</th><th>${t('终端', 'Terminal')}</th>
    <th>${t('登录时间', 'Logged in')}</th><th>${t('最近活动', 'Last seen')}</th><th></th></tr></thead><tbody>` +
    list.map((s) => `<tr data-session="${esc(s.id)}"><td>${esc(s.name || s.actor.id)} <span class="sub">(${name(roleNames, s.actor.role)})</span></td>
      <td>${s.desk ? esc(s.desk) + ' · ' : ''}<span class="mono">${esc(s.remote)}</span><div class="sub mono">${esc(s.agent || '')}</div></td>
      <td>${time(s.created)}</td><td>${time(s.last_seen)}</td>
      <td>${s.current ? t('本终端', 'this terminal') : `<button class="btn small secondary" data-revoke="${esc(s.id)}">${t('注销该终端', 'Log out that terminal')}</button>`}</td></tr>`).join('') +
    '</tbody></table><p class="error" id="revokeerr"></p>';
  el.querySelectorAll('[data-revoke]').forEach((b) => b.onclick = () => busy(b, async () => {
    try { await conn.call('session.revoke', { id: b.dataset.revoke }); } catch (e) { el.querySelector('#revokeerr').innerHTML = errText(e); return; }
    renderTerminals(conn, el);
  }));
}
