import { api, nameOf, session, type User } from './api';
import { followEvents, traceOf, usersOf, type Envelope } from './events';
import { createGraph, DRAWN_FRIENDS, loadNetwork } from './graph';
import { refreshSystem } from './system';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const li = (u: User, extra = '') => {
  const item = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = `${nameOf(u)} #${u.id}${extra}`;
  b.addEventListener('click', () => void show(u.id));
  item.append(b);
  return item;
};

// ---- tabs (arrow keys move between them, as the ARIA tabs pattern expects)
const tabs = ['graph', 'events', 'system'];
let current = 'graph';
function select(name: string) {
  current = name;
  for (const t of tabs) {
    const tab = $(`tab-${t}`);
    tab.setAttribute('aria-selected', String(t === name));
    tab.tabIndex = t === name ? 0 : -1;
    $(`view-${t}`).hidden = t !== name;
  }
  if (name === 'system') void refreshSystem($('system-rows'), $('system-note'));
  if (name === 'graph') graph.cy.resize();
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
setInterval(() => current === 'system' && void refreshSystem($('system-rows'), $('system-note')), 2000);

// ---- token (AUTH_MODE=jwt): asked for at once, sent on every call, and any refusal explained
const jwt = document.body.dataset.auth === 'jwt';
const authNote = (text: string) => {
  $('auth-note').textContent = text;
  $('auth-note').hidden = text === '';
};
session.token = sessionStorage.getItem('console-token') ?? '';
session.onRefused = (code, detail) => {
  authNote(
    !session.token
      ? `This gateway needs a bearer token (AUTH_MODE=jwt): paste one in “Bearer token” above. (${code}: ${detail})`
      : code === 401
        ? `The gateway refused the token (401: ${detail}). Paste a valid one in “Bearer token” above.`
        : `The token is valid but does not allow this (403: ${detail}).`,
  );
};
if (jwt && !session.token) {
  authNote('This gateway needs a bearer token (AUTH_MODE=jwt): paste one in “Bearer token” above.');
  $('token').focus();
}
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  session.token = $<HTMLInputElement>('token').value.trim();
  sessionStorage.setItem('console-token', session.token);
  authNote('');
  status('Token set.');
  void refresh();
});

// ---- graph
let centre: number | undefined;
/** The `after` key of each page of the centre's friends seen so far: [0, key of page 2, ...]. */
let pages = [0];
/**
 * Loads overlap (a click, a command's own refresh, a refresh an event scheduled), and they finish
 * in any order. Only the newest one may draw: an older one finishing last would put back the
 * previous centre, and the next rename or friend command would act on the wrong person.
 */
let newestLoad = 0;
/** What the newest load asked for: a refresh reloads this, not an older centre still on screen. */
let wanted: { id: number; page: number } | undefined;
const graph = createGraph(
  $('graph'),
  (id) => void show(id),
  (id, label, role, position, of) => {
    $('graph').dataset.focusedUser = String(id);
    $('graph-focus').textContent = `${label}, ${role}, ${position} of ${of}. Enter centres on them.`;
  },
);
let loading = 0;
const busy = (delta: number) => $('graph').setAttribute('aria-busy', String((loading += delta) > 0));
async function show(id: number, page = 0) {
  const load = ++newestLoad;
  wanted = { id, page };
  const keys = id === centre ? pages.slice(0, page + 1) : [0];
  busy(+1);
  try {
    const n = await loadNetwork(id, keys[page] ?? 0);
    if (load !== newestLoad) return;
    centre = id;
    pages = n.nextPage === undefined ? keys : [...keys, n.nextPage];
    $('center-title').textContent = `${nameOf(n.center)} #${n.center.id}`;
    $('center-title').dataset.userId = String(id);
    const before = page * DRAWN_FRIENDS;
    const total = before + n.friendsFromHere;
    $('friend-count').textContent = n.friendsTruncated ? `over ${total}` : String(total);
    $('recommendation-count').textContent = String(n.recommendations.length);
    $('friend-list').replaceChildren(...n.friends.map((f) => li(f)));
    $('recommendation-list').replaceChildren(...n.recommendations.map((r) => li(r.user, ` — weight ${r.weight}, via ${r.mutual.map(nameOf).join(', ')}`)));
    const paged = page > 0 || n.nextPage !== undefined;
    $('friend-pages').hidden = !paged;
    $('graph-note').textContent = paged ? `Paginated: friends ${before + 1}–${before + n.friends.length} of ${n.friendsTruncated ? 'over ' : ''}${total} (oldest friendship first), and the top ${n.recommendations.length} recommendations.` : '';
    $<HTMLButtonElement>('friends-previous').disabled = page === 0;
    $<HTMLButtonElement>('friends-next').disabled = n.nextPage === undefined;
    $('friend-pages').dataset.page = String(page);
    graph.draw(n);
    $('graph').dataset.nodes = String(graph.cy.nodes().length);
    $('graph').dataset.edges = String(graph.cy.edges().length);
    $('graph-focus').textContent = '';
  } catch (error) {
    if (load === newestLoad) status(`Could not load user ${id}: ${(error as Error).message}`);
  } finally {
    busy(-1);
  }
}
const shownPage = () => Number($('friend-pages').dataset.page ?? 0);
$('friends-previous').addEventListener('click', () => centre !== undefined && void show(centre, shownPage() - 1));
$('friends-next').addEventListener('click', () => centre !== undefined && void show(centre, shownPage() + 1));
const refresh = () => (wanted === undefined ? undefined : show(wanted.id, wanted.page));

$('search-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $<HTMLInputElement>('search').value.trim();
  try {
    const found = await api.search(name);
    $('search-results').replaceChildren(...found.map((u) => li(u)));
    status(`${found.length} found for “${name}”.`);
    if (found.length === 1) void show(found[0]!.id);
  } catch (error) {
    status(`Search failed: ${(error as Error).message}`);
  }
});

const fields = (form: HTMLFormElement) => Object.fromEntries(new FormData(form)) as Record<string, string>;
async function act(what: string, run: () => Promise<unknown>) {
  try {
    await run();
    status(`${what}: done.`);
    await refresh();
  } catch (error) {
    status(`${what} failed: ${(error as Error).message}`);
  }
}
$('create-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const { firstName, lastName } = fields(e.target as HTMLFormElement);
  void act('Create', async () => {
    const u = await api.create(firstName!, lastName!);
    await show(u.id);
  });
});
$('rename-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (centre === undefined) return status('Select a user first.');
  const { firstName, lastName } = fields(e.target as HTMLFormElement);
  void act('Rename', () => api.rename(centre!, firstName!, lastName!));
});
$('friend-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (centre === undefined) return status('Select a user first.');
  const friendId = Number(fields(e.target as HTMLFormElement).friendId);
  const op = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? 'add';
  void act(op === 'add' ? 'Add friend' : 'Remove friend', () => (op === 'add' ? api.addFriend(centre!, friendId) : api.removeFriend(centre!, friendId)));
});

// ---- live events
const received: Envelope[] = [];
let selected: string | undefined;
const typeSelect = $<HTMLSelectElement>('event-type');
function renderEvents() {
  const type = typeSelect.value;
  const user = Number($<HTMLInputElement>('event-user').value) || undefined;
  const shown = received.filter((e) => (!type || e.type === type) && (!user || usersOf(e).includes(user))).slice(-200).reverse();
  $('event-rows').replaceChildren(
    ...shown.map((e) => {
      const tr = document.createElement('tr');
      tr.tabIndex = 0;
      tr.dataset.type = e.type;
      tr.setAttribute('aria-selected', String(e.id === selected));
      for (const text of [String(e.position ?? ''), e.type, e.streamId, String(e.streamVersion), new Date(e.occurredAt).toLocaleTimeString(), traceOf(e).slice(0, 12), usersOf(e).join(', ')]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      const open = () => {
        selected = e.id;
        $('event-detail').textContent = JSON.stringify(e, null, 2);
        for (const row of $('event-rows').children) row.setAttribute('aria-selected', String(row === tr));
      };
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (k) => (k.key === 'Enter' || k.key === ' ') && (k.preventDefault(), open()));
      return tr;
    }),
  );
}
let pending = false;
followEvents(
  (e) => {
    received.push(e);
    const keep = Math.max(10, Number($<HTMLInputElement>('event-keep').value) || 500);
    if (received.length > keep) received.splice(0, received.length - keep);
    if (![...typeSelect.options].some((o) => o.value === e.type)) typeSelect.add(new Option(e.type, e.type));
    $('event-count').textContent = String(received.length);
    if ($<HTMLInputElement>('event-pause').checked || pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      renderEvents();
    });
    // The graph follows events about the user in view.
    if (wanted !== undefined && usersOf(e).includes(wanted.id)) scheduleRefresh();
  },
  (connected) => $('tab-events').classList.toggle('bad', !connected),
);
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh(), 300);
}
$('event-filters').addEventListener('input', renderEvents);
$('event-filters').addEventListener('submit', (e) => e.preventDefault());

const initial = Number(new URLSearchParams(location.search).get('user'));
if (initial) void show(initial);
