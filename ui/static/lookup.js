// The idle kiosk put to work: a customer without a card scans the barcode
// on their slip (a keyboard wedge types the ticket number and Enter) or
// types the number, adds the last four digits of their phone, and sees
// their ticket's state, what happens next, the due date and any fee, in
// big type and nothing else (ticket.status); the view returns to idle
// after statusSeconds, at once on a card. The idle screen also shows the
// desk's hours and today's queue (desk.today). A scan alone does not
// suffice: the server cannot tell a scan from typing, and ticket numbers
// are sequential (docs/protocol.md "The idle kiosk's lookup").
import { t, esc, yuan, errText, name, statusNames, kindNames, date } from './common.js';

// statusSeconds is how long a ticket's status stays on screen: 30, or
// the kiosk page's ?status_s= (the launcher's choice; tests use a short one).
const statusSeconds = Number(new URLSearchParams(location.search).get('status_s')) || 30;

// nextSteps says, per status, what happens next, in the customer's words.
const nextSteps = {
  open: ['我们已受理，正在处理，有结果会通知您', 'Taken in: we are handling it and will let you know'],
  approval: ['正在等待主管审批，审批后会通知您', 'Waiting for a supervisor’s decision; we will let you know'],
  in_repair: ['正在维修；如需收费，我们会先告知报价', 'Being repaired; if anything costs money we tell you the price first'],
  at_vendor: ['已送厂家检修，返回后通知您取件', 'Sent to the maker; we call you when it is back'],
  ready: ['可以取件了，请带取件单到柜台', 'Ready: bring your slip to the desk'],
  mail_back: ['多次通知未取，将按登记地址寄回，请到柜台咨询', 'Not collected after our notices: it will be mailed back; please ask at the desk'],
  closed: ['已结案，无需再办理', 'Closed: nothing more to do'],
  cancelled: ['已取消', 'Cancelled'],
};

let timer = null; // the return to idle of the status on screen

// endStatus stops the status view's countdown (a card was laid, or staff logged in).
export function endStatus() { clearTimeout(timer); timer = null; }

// lookupBox is the lookup form of the idle screen, the number pre-filled
// after a scan, and the place for the desk's hours and queue.
export function lookupBox(number) {
  return `<form class="lookupbox" id="slipform" autocomplete="off">
    <h2>${t('没有卡？查询服务单', 'No card? Look up your ticket')}</h2>
    <p class="sub">${t('扫描取件单上的条码，或输入服务单号', 'Scan the barcode on your slip, or type the ticket number')}</p>
    <label>${t('服务单号', 'Ticket number')} <input id="slipnumber" class="mono" placeholder="T20260101-0001" value="${esc(number || '')}" autocapitalize="characters"></label>
    <label>${t('电话后四位', 'Last four digits of your phone')} <input id="sliplast4" inputmode="numeric" maxlength="4" pattern="[0-9]{4}"></label>
    <button class="btn primary" id="slipgo">${t('查询', 'Look up')}</button>
    <p class="error" id="sliperr"></p></form>
    <div class="idleinfo" id="idleinfo"></div>`;
}

// wireLookupBox sends the lookup and gives onStatus the answer; an Enter
// with the number but no digits yet (a scan into the number field, or
// the scan's Enter reaching the digits field slipScanned focused) asks
// for the four digits and sends nothing. A refusal clears the digits
// only if they are still those sent: digits typed while the answer was
// on its way stay.
export function wireLookupBox(conn, root, onStatus) {
  const f = root.querySelector('#slipform');
  const num = f.querySelector('#slipnumber'), last4 = f.querySelector('#sliplast4');
  if (num.value) last4.focus();
  f.onsubmit = async (e) => {
    e.preventDefault();
    const n = num.value.trim().toUpperCase(), digits = last4.value.trim();
    if (n && !digits) { askDigits(root); return; }
    try { onStatus(await conn.call('ticket.status', { number: n, last4: digits })); } catch (err) {
      f.querySelector('#sliperr').innerHTML = errText(err);
      if (last4.value.trim() === digits) last4.value = '';
      (err.field === 'number' ? num : last4).focus();
    }
  };
  idleInfo(conn, root.querySelector('#idleinfo'));
}

// slipScanned puts a scanned ticket number into the form and asks for the digits.
export function slipScanned(root, number) {
  const num = root.querySelector('#slipnumber');
  if (!num) return false;
  num.value = number;
  askDigits(root);
  return true;
}

// askDigits asks for the phone's last four digits and puts the cursor there.
function askDigits(root) {
  root.querySelector('#sliperr').innerHTML = t('请输入电话号码的后四位', 'Now enter the last four digits of your phone');
  root.querySelector('#sliplast4').focus();
}

// idleInfo shows the desk's hours and today's queue in el, and again
// every minute while el is on screen (nobody gets ticket events).
async function idleInfo(conn, el) {
  if (!el) return;
  try {
    const d = await conn.call('desk.today');
    el.innerHTML = `<span id="hours">${t('营业时间', 'Open')} <b>${esc(d.open)}–${esc(d.close)}</b></span>
      <span id="queue">${t('今日待办服务单', 'Open tickets taken in today')} <b id="queuelen">${esc(d.queue)}</b></span>`;
  } catch (e) { el.innerHTML = `<span class="sub">${errText(e)}</span>`; }
  setTimeout(() => { if (el.isConnected) idleInfo(conn, el); }, 60000);
}

// showStatus puts the ticket's status on root in big type, with nothing
// of the customer, and calls onDone after statusSeconds or on "Done".
export function showStatus(root, st, onDone) {
  const owed = Math.max(0, (st.fee_fen || 0) - (st.paid_fen || 0));
  const step = nextSteps[st.status] || [st.status, st.status];
  root.innerHTML = `<section class="slipstatus" id="slipstatus">
    <div class="ticketno mono" id="stnumber">${esc(st.number)}</div>
    <div class="stline">${name(kindNames, st.kind)} · <span class="pill st-${esc(st.status)}" id="ststatus">${name(statusNames, st.status)}</span></div>
    <p class="stnext" id="stnext">${t(step[0], step[1])}${st.quote_open ? ` ${t('报价待您确认，请到柜台答复。', 'A quote waits for your answer at the desk.')}` : ''}</p>
    <dl class="kv stbig">${date(st.due) ? `<dt>${t('预计完成', 'Due')}</dt><dd id="stdue">${date(st.due)}</dd>` : ''}
      <dt>${t('费用', 'Fee')}</dt><dd id="stfee">${st.fee_fen ? yuan(st.fee_fen) : t('无需付费', 'Nothing to pay')}</dd>
      ${st.paid_fen ? `<dt>${t('已付', 'Paid')}</dt><dd id="stpaid">${yuan(st.paid_fen)}</dd>` : ''}
      ${owed ? `<dt>${t('待付', 'To pay')}</dt><dd id="stowed">${yuan(owed)}</dd>` : ''}</dl>
    <button class="btn primary" id="stdone">${t('完成', 'Done')}</button>
    <p class="sub" id="stcount">${t(`${statusSeconds} 秒后自动返回`, `Back to the start in ${statusSeconds} s`)}</p></section>`;
  endStatus();
  const done = () => { endStatus(); onDone(); };
  root.querySelector('#stdone').onclick = done;
  timer = setTimeout(done, statusSeconds * 1000);
}
