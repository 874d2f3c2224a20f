// The counts on the staff tabs, each from the op its tab shows: my queue
// (tickets.list of my open tickets), approvals (tickets waiting for a
// supervisor), calls (the day's call list, calls.list) and print problems
// (jobs that failed at least once, plus printers in a state that stops
// printing, print.queue). staff.js refreshes them after ticket and print
// events, so they stay live.
import { esc, can, session, printTrouble } from './common.js';

const counts = {}; // tab id → the last count fetched

// badge is the count shown in a tab ('' for a tab without one).
export function badge(id) {
  if (!(id in counts)) return '';
  return `<span class="count ${counts[id] ? '' : 'zero'}" data-count="${esc(id)}">${esc(counts[id])}</span>`;
}

// refreshCounts asks again for each count the role may see and updates the tabs.
export async function refreshCounts(conn) {
  const asks = [];
  if (can('tech')) asks.push(['mine', conn.call('tickets.list', { technician: session.id }).then((l) => l.length)]);
  if (can('approvers')) asks.push(['approvals', conn.call('tickets.list', { status: 'approval' }).then((l) => l.length)]);
  if (can('desk')) asks.push(['calls', conn.call('calls.list').then((l) => (l || []).length)]);
  if (can('staff')) asks.push(['print', conn.call('print.queue', {}).then(printProblems)]);
  for (const [id, p] of asks) {
    try { counts[id] = await p; } catch { delete counts[id]; }
    const a = document.querySelector(`#tabs a[href="#${CSS.escape(id)}"]`);
    if (!a) continue;
    const old = a.querySelector('.count');
    if (old) old.remove();
    a.insertAdjacentHTML('beforeend', badge(id));
  }
}

// printProblems counts the failed jobs and the printers in trouble.
function printProblems(printers) {
  let n = 0;
  for (const p of printers || []) {
    if (printTrouble(p.state)) n++;
    n += (p.jobs || []).filter((j) => j.last_error).length;
  }
  return n;
}
