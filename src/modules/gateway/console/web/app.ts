import { wireActions } from './actions';
import { wireToken } from './auth';
import { $ } from './dom';
import { usersOf } from './events';
import { eventsView } from './events-view';
import { graphView } from './graph-view';
import { refreshSystem } from './system';

const view = graphView();
wireToken(() => void view.refresh());
wireActions(view);

// ---- tabs (arrow keys move between them, as the ARIA tabs pattern expects)
const tabs = ['graph', 'events', 'system'];
let current = 'graph';
const showSystem = () => void refreshSystem($('system-rows'), $('system-note'));
function select(name: string) {
  current = name;
  for (const t of tabs) {
    const tab = $(`tab-${t}`);
    tab.setAttribute('aria-selected', String(t === name));
    tab.tabIndex = t === name ? 0 : -1;
    $(`view-${t}`).hidden = t !== name;
  }
  if (name === 'system') showSystem();
  // Cytoscape measures its container, which had no size while hidden.
  if (name === 'graph') view.resize();
}
for (const t of tabs) {
  const tab = $(`tab-${t}`);
  tab.addEventListener('click', () => select(t));
  tab.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(tabs.indexOf(t) + step + tabs.length) % tabs.length]!;
    select(next);
    $(`tab-${next}`).focus();
  });
}
setInterval(() => current === 'system' && showSystem(), 2000);

// ---- live events; the graph follows those about the user in view (a burst refreshes once)
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
eventsView((e) => {
  const about = view.wanted();
  if (about === undefined || !usersOf(e).includes(about)) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void view.refresh(), 300);
});

const initial = Number(new URLSearchParams(location.search).get('user'));
if (initial) void view.show(initial);
